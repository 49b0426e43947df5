using System;
using System.Runtime.InteropServices;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm.Handles
{
    /// <summary>
    /// Owns one file descriptor (/dev/kvm, a VM, a vCPU, a guest_memfd). close() runs exactly once, when the
    /// owner disposes it, so the count of open fds never depends on the GC.
    /// </summary>
    internal sealed class FileDescriptorHandle : SafeHandle
    {
        public FileDescriptorHandle(int fd) : base(new IntPtr(-1), ownsHandle: true)
        {
            SetHandle(new IntPtr(fd));
            Number = fd;
        }

        /// <summary>The descriptor number, remembered after close for messages only (it may be reused).</summary>
        public int Number { get; }

        public override bool IsInvalid => handle.ToInt64() < 0;

        protected override bool ReleaseHandle() => Libc.close((int)handle.ToInt64()) == 0;
    }
}
