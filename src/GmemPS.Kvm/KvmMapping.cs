using System;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.HostAccess;

namespace GmemPS.Kvm
{
    /// <summary>
    /// A host mapping. Its bytes are never dereferenced from managed code: a guest_memfd page that is not
    /// shared (no INIT_SHARED, or past EOF) raises SIGBUS on a direct load, which would kill the process.
    /// Reads and writes go through <see cref="IFaultSafeMemory"/>, which turns that fault into an errno.
    /// </summary>
    public sealed class KvmMapping : IHostMapping
    {
        private readonly MappingHandle mapping;
        private readonly IFaultSafeMemory memory;
        private readonly string what;

        internal KvmMapping(MappingHandle mapping, IFaultSafeMemory memory, string what)
        {
            this.mapping = mapping;
            this.memory = memory;
            this.what = what;
            Address = (ulong)mapping.DangerousGetHandle().ToInt64();
        }

        public ulong Address { get; }
        public long Length => mapping.Length;
        public bool IsUnmapped => mapping.IsClosed;

        public byte[] Read(long offset, int count)
        {
            CheckRange(offset, count);
            var data = new byte[count];
            ReadInto(offset, data);
            return data;
        }

        public void ReadInto(long offset, byte[] destination)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            int count = destination.Length;
            CheckRange(offset, count);
            Errno errno = memory.Read(Address + (ulong)offset, destination, count);
            if (errno != Errno.None) throw Refused(errno, $"read {count} bytes at offset {Hex.Signed(offset)}");
        }

        public void Write(long offset, byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            CheckRange(offset, data.Length);
            Errno errno = ProbeForWrite(offset, data.Length);
            if (errno == Errno.None) errno = memory.Write(Address + (ulong)offset, data, data.Length);
            if (errno != Errno.None) throw Refused(errno, $"write {data.Length} bytes at offset {Hex.Signed(offset)}");
        }

        /// <summary>
        /// A refused write must leave nothing written, as on the simulator: the kernel's copy (process_vm_writev or
        /// /proc/self/mem) goes page by page and stops at the first page the fault handler refuses, so a write across
        /// the end of the file would land its first part (measured). The pages of one mapping the host may not fault
        /// are all of them (a file without INIT_SHARED) or a tail (past the end of the file), never a middle: reading
        /// the first and the last byte decides the whole range before a byte is written.
        /// </summary>
        private Errno ProbeForWrite(long offset, int count)
        {
            if (count == 0) return Errno.None;
            var probe = new byte[1];
            Errno errno = memory.Read(Address + (ulong)offset, probe, 1);
            return errno != Errno.None || count == 1 ? errno : memory.Read(Address + (ulong)(offset + count - 1), probe, 1);
        }

        /// <summary>mincore(2) as the kernel answers it: bit 0 of each page's byte.</summary>
        public unsafe bool[] Residency()
        {
            ThrowIfUnmapped("mincore");
            var vector = new byte[(Length + KvmLimits.PageSize - 1) / KvmLimits.PageSize];
            int result;
            fixed (byte* v = vector) result = Native.Libc.mincore(mapping.DangerousGetHandle(), (nuint)Length, v);
            if (result != 0) throw Native.Errors.LastRefused(KernelOperation.HostAccess, $"mincore of {this}");
            var resident = new bool[vector.Length];
            for (int i = 0; i < vector.Length; i++) resident[i] = (vector[i] & 1) != 0;
            return resident;
        }

        /// <summary>munmap(2). Unmapping twice is refused: the range may already belong to another mapping.</summary>
        public void Unmap()
        {
            ThrowIfUnmapped("munmap");
            mapping.Dispose();
        }

        public void Dispose() => mapping.Dispose();

        /// <summary>Out-of-range offsets are a caller's mistake, not a kernel rule: they never reach the kernel.</summary>
        private void CheckRange(long offset, int count)
        {
            HostAccessBounds.Check(offset, count, Length);
            ThrowIfUnmapped("access");
        }

        private void ThrowIfUnmapped(string action)
        {
            if (mapping.IsClosed) throw new GmemException(KernelOperation.HostAccess, KernelRules.HostAccessUnmapped, this, $"{action} after munmap");
        }

        /// <summary>EIO (/proc/self/mem) and EFAULT (process_vm_*) both mean: the fault handler refused the page.</summary>
        private GmemException Refused(Errno errno, string detail)
        {
            KernelRule rule = errno == Errno.EIO || errno == Errno.EFAULT
                ? KernelRules.HostAccessNotShared
                : KernelRules.Explain(KernelOperation.HostAccess, errno);
            return new GmemException(KernelOperation.HostAccess, rule, this, $"{detail}; the kernel answered {errno}");
        }

        public override string ToString() => $"{what} at {Hex.Address(Address)}, {Hex.Size((ulong)Length)}";
    }
}
