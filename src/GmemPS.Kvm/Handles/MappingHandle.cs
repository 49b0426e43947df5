using System;
using System.Runtime.InteropServices;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm.Handles
{
    /// <summary>
    /// Owns one mmap()ed range and munmap()s it once. The VMA holds its own reference on the mapped file, so
    /// the range stays valid after the file's descriptor is closed (guest_memfd relies on that).
    /// </summary>
    internal sealed class MappingHandle : SafeHandle
    {
        public MappingHandle(IntPtr address, long length) : base(Libc.MAP_FAILED, ownsHandle: true)
        {
            SetHandle(address);
            Length = length;
        }

        public long Length { get; }

        public override bool IsInvalid => handle == Libc.MAP_FAILED || handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => Libc.munmap(handle, (nuint)Length) == 0;
    }
}
