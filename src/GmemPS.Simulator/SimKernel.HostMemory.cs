using System;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator
{
    /// <summary>A mapping in the simulated process: of a guest_memfd (pinning its file) or anonymous memory.</summary>
    internal sealed class SimMappingState
    {
        public SimMappingState(ulong address, long length, SimGmemFile? file, long fileOffset)
        {
            Address = address;
            Length = length;
            File = file;
            FileOffset = fileOffset;
        }

        public ulong Address { get; }
        public long Length { get; }
        public SimGmemFile? File { get; }
        public long FileOffset { get; }
        public bool Unmapped { get; set; }
        /// <summary>File pages this mapping has faulted in (its PTEs): the page's mapcount, which seed B's conversions check.</summary>
        public IntervalMap<bool> Faulted { get; } = new IntervalMap<bool>();
        /// <summary>Anonymous memory: written pages only.</summary>
        public System.Collections.Generic.Dictionary<long, byte[]> AnonymousPages { get; } = new System.Collections.Generic.Dictionary<long, byte[]>();
    }

    // mmap (§2.5) and host access. A host access to a page the kernel would answer with SIGBUS (not shared,
    // or past the end of the file) fails with EIO, as the fault-safe path on the real kernel does.
    internal sealed partial class SimKernel
    {
        /// <summary>Where the simulated process's mappings start (a typical x86-64 mmap base).</summary>
        private const ulong MappingBase = 0x7f0000000000UL;
        private ulong nextMappingAddress = MappingBase;
        private readonly IntervalMap<SimMappingState> addressSpace = new IntervalMap<SimMappingState>(ReferenceEqualityComparer<SimMappingState>.Instance);

        public SimMappingState Map(SimGmemFile file, MapRequest r)
        {
            var op = KernelOperation.Mmap;
            // The generic mmap checks come before the file's own .mmap.
            if (r.Length <= 0 || r.Offset < 0 || r.Offset % KvmLimits.PageSize != 0)
                throw Refuse(op, KernelRules.MmapInvalid, r, $"length {Hex.Signed(r.Length)}, offset {Hex.Signed(r.Offset)}");
            if (!file.Inode.Mmapable)
                throw Refuse(op, KernelRules.MmapNotSupported, r, $"inode {file.Inode.Number} flags {file.Inode.Flags}");
            if (!r.Shared)
                throw Refuse(op, KernelRules.MmapInvalid, r, "MAP_PRIVATE (copy-on-write) of a guest_memfd is refused");
            var mapping = new SimMappingState(Reserve(r.Length), r.Length, file, r.Offset);
            file.References++;
            addressSpace.Set(mapping.Address, mapping.Address + (ulong)RoundUp(r.Length), mapping);
            return mapping;
        }

        public SimMappingState MapAnonymous(long length)
        {
            if (length <= 0)
                throw Refuse(KernelOperation.Mmap, KernelRules.MmapInvalid, $"anonymous, length {length}", "length must be positive");
            var mapping = new SimMappingState(Reserve(length), length, null, 0);
            addressSpace.Set(mapping.Address, mapping.Address + (ulong)RoundUp(length), mapping);
            return mapping;
        }

        public void Unmap(SimMappingState mapping)
        {
            if (mapping.Unmapped) return;
            mapping.Unmapped = true;
            addressSpace.Clear(mapping.Address, mapping.Address + (ulong)RoundUp(mapping.Length));
            if (mapping.File != null) PutFile(mapping.File);
        }

        private ulong Reserve(long length)
        {
            ulong address = nextMappingAddress;
            nextMappingAddress += (ulong)RoundUp(length) + (ulong)KvmLimits.PageSize; // a guard page between mappings
            return address;
        }

        private static long RoundUp(long length) => (length + KvmLimits.PageSize - 1) & ~(KvmLimits.PageSize - 1);

        /// <summary>Copies between a host buffer and [address, address+count). Checks every page before touching any.</summary>
        public void HostAccess(SimMappingState mapping, long offset, byte[] buffer, int bufferOffset, int count, bool write)
        {
            var op = KernelOperation.HostAccess;
            if (mapping.Unmapped)
                throw Refuse(op, KernelRules.HostAccessUnmapped, $"{Hex.Address(mapping.Address)}+{Hex.Signed(offset)}", "munmap already ran");
            var file = mapping.File;
            if (file != null)
            {
                for (long at = offset & ~(KvmLimits.PageSize - 1); at < offset + count; at += KvmLimits.PageSize)
                {
                    ulong page = (ulong)(mapping.FileOffset + at) >> KvmLimits.PageShift;
                    if (page >= file.Inode.Pages)
                        throw Refuse(op, KernelRules.HostAccessNotShared, $"{Hex.Address(mapping.Address + (ulong)at)}", $"file page {page} is at or past the end ({file.Inode.Pages} pages)");
                    if (!HostMayMap(file.Inode, page))
                        throw Refuse(op, KernelRules.HostAccessNotShared, $"{Hex.Address(mapping.Address + (ulong)at)}", HostRefusal(file.Inode, page));
                }
            }
            for (int done = 0; done < count;)
            {
                long at = offset + done;
                int inPage = (int)(at & (KvmLimits.PageSize - 1));
                int chunk = Math.Min(count - done, (int)KvmLimits.PageSize - inPage);
                if (file != null)
                {
                    ulong page = (ulong)(mapping.FileOffset + at) >> KvmLimits.PageShift;
                    mapping.Faulted.Set(page, page + 1, true);
                    bool isNew = write
                        ? file.Inode.Write(page, inPage, buffer, bufferOffset + done, chunk)
                        : file.Inode.Read(page, inPage, buffer, bufferOffset + done, chunk);
                    if (isNew) Emit(new PagesAllocated(file.Inode.Number, page, page + 1, 1));
                }
                else
                {
                    long page = at >> KvmLimits.PageShift;
                    mapping.AnonymousPages.TryGetValue(page, out byte[]? data);
                    if (write)
                    {
                        if (data == null) mapping.AnonymousPages[page] = data = new byte[KvmLimits.PageSize];
                        Buffer.BlockCopy(buffer, bufferOffset + done, data, inPage, chunk);
                    }
                    else if (data != null) Buffer.BlockCopy(data, inPage, buffer, bufferOffset + done, chunk);
                    else Array.Clear(buffer, bufferOffset + done, chunk);
                }
                done += chunk;
            }
        }

        /// <summary>Every mapping of the process (each pins its file).</summary>
        public System.Collections.Generic.IEnumerable<SimMappingState> LiveMappings =>
            System.Linq.Enumerable.Distinct(System.Linq.Enumerable.Select(addressSpace.All, i => i.Value));

        /// <summary>The mapping that holds a host virtual address, if any (for a memslot's userspace_addr).</summary>
        public SimMappingState? FindMapping(ulong address) =>
            addressSpace.TryGet(address, out var hit) && address < hit.Value.Address + (ulong)hit.Value.Length ? hit.Value : null;
    }
}
