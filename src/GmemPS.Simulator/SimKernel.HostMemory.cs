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
        /// <summary>
        /// The simulated process's mmap area, allocated top-down as Linux does without an address hint: from a typical
        /// x86-64 mmap base down to the lowest address mmap hands out here. Big mappings go low and stay below the
        /// 47-bit window, so their addresses pass access_ok as the kernel's do.
        /// </summary>
        private const ulong MappingTop = 0x7f0000000000UL;
        private const ulong MappingFloor = 0x10000000UL;
        private ulong nextMappingEnd = MappingTop;
        private readonly IntervalMap<SimMappingState> addressSpace = new IntervalMap<SimMappingState>(ReferenceEqualityComparer<SimMappingState>.Instance);

        /// <summary>MAX_LFS_FILESIZE: file_mmap_ok's limit for a regular file (a guest_memfd inode is S_IFREG).</summary>
        private const ulong MaxFileSize = long.MaxValue;

        /// <summary>mmap(2) of a guest_memfd, in do_mmap's order; the file's own .mmap (kvm_gmem_mmap) comes last.</summary>
        public SimMappingState Map(SimGmemFile file, MapRequest r)
        {
            var op = KernelOperation.Mmap;
            ulong offset = (ulong)r.Offset;
            // The syscall itself: the byte offset must be page aligned.
            if (offset % (ulong)KvmLimits.PageSize != 0)
                throw Refuse(op, KernelRules.MmapInvalid, r, $"offset {Hex.Signed(r.Offset)} is not page aligned");
            ulong length = CheckMapLength(r.Length, r);
            ulong pgoff = offset >> KvmLimits.PageShift;
            if (pgoff + (length >> KvmLimits.PageShift) < pgoff)
                throw Refuse(op, KernelRules.MmapOffsetOverflow, r, "the page offset plus the length wraps");
            CheckAddressSpace(length, r);
            if (length > MaxFileSize || pgoff > (MaxFileSize - length) >> KvmLimits.PageShift)
                throw Refuse(op, KernelRules.MmapOffsetOverflow, r, $"offset {Hex.Signed(r.Offset)} + {Hex.Size(length)} > MAX_LFS_FILESIZE");
            // mmap_region charges a private writable mapping before the file's .mmap runs.
            if (!r.Shared) CheckCommit(length, r);
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
            string request = $"anonymous, length {Hex.Signed(length)}";
            ulong aligned = CheckMapLength(length, request);
            CheckAddressSpace(aligned, request);
            CheckCommit(aligned, request);
            var mapping = new SimMappingState(Reserve(length), length, null, 0);
            addressSpace.Set(mapping.Address, mapping.Address + (ulong)RoundUp(length), mapping);
            return mapping;
        }

        /// <summary>do_mmap's length checks (size_t, so a negative length is a huge one): 0 is EINVAL; rounding up to a page that wraps is ENOMEM.</summary>
        private static ulong CheckMapLength(long requested, object request)
        {
            ulong length = (ulong)requested;
            if (length == 0) throw Refuse(KernelOperation.Mmap, KernelRules.MmapInvalid, request, "length 0");
            ulong aligned = unchecked((length + (ulong)KvmLimits.PageSize - 1) & ~(ulong)(KvmLimits.PageSize - 1));
            if (aligned == 0) throw Refuse(KernelOperation.Mmap, KernelRules.MmapNoAddressSpace, request, $"length {Hex.Address(length)} rounds up past 2^64");
            return aligned;
        }

        /// <summary>security_vm_enough_memory under heuristic overcommit: one charge larger than the commit limit is refused.</summary>
        private void CheckCommit(ulong length, object request)
        {
            if (length > Profile.CommitLimit)
                throw Refuse(KernelOperation.Mmap, KernelRules.MmapOvercommit, request, $"{Hex.Size(length)} > {Hex.Size(Profile.CommitLimit)} of RAM plus swap");
        }

        /// <summary>get_unmapped_area: a range that long must be free below the last mapping (measured: 64 TiB maps, 128 TiB - 4 KiB does not).</summary>
        private void CheckAddressSpace(ulong length, object request)
        {
            ulong free = nextMappingEnd - MappingFloor;
            if (length > free)
                throw Refuse(KernelOperation.Mmap, KernelRules.MmapNoAddressSpace, request, $"{Hex.Size(length)} > the {Hex.Size(free)} left in the mmap area");
        }

        public void Unmap(SimMappingState mapping)
        {
            // The contract refuses a second munmap (the range may belong to another mapping by then), as the Kvm backend does.
            if (mapping.Unmapped)
                throw Refuse(KernelOperation.HostAccess, KernelRules.HostAccessUnmapped, Hex.Address(mapping.Address), "munmap already ran");
            mapping.Unmapped = true;
            addressSpace.Clear(mapping.Address, mapping.Address + (ulong)RoundUp(mapping.Length));
            if (mapping.File != null) PutFile(mapping.File);
        }

        private ulong Reserve(long length)
        {
            ulong address = nextMappingEnd - (ulong)RoundUp(length);
            nextMappingEnd = address - (ulong)KvmLimits.PageSize; // a guard page between mappings
            return address;
        }

        private static long RoundUp(long length) => (length + KvmLimits.PageSize - 1) & ~(KvmLimits.PageSize - 1);

        /// <summary>
        /// mincore(2) of a file mapping: a page is resident when its folio is in the page cache and up to date -
        /// faulted in, by the host or the guest; fallocate(2) alone allocates a folio that is not (measured).
        /// </summary>
        public bool[] Residency(SimMappingState mapping)
        {
            if (mapping.Unmapped)
                throw Refuse(KernelOperation.HostAccess, KernelRules.HostAccessUnmapped, Hex.Address(mapping.Address), "munmap already ran");
            var file = mapping.File ?? throw new NotSupportedException("The simulator models mincore(2) of guest_memfd mappings only.");
            var resident = new bool[(mapping.Length + KvmLimits.PageSize - 1) / KvmLimits.PageSize];
            ulong first = (ulong)mapping.FileOffset >> KvmLimits.PageShift;
            for (int i = 0; i < resident.Length; i++) resident[i] = file.Inode.IsUptodate(first + (ulong)i);
            return resident;
        }

        /// <summary>Copies between a host buffer and [address, address+count). Checks every page before touching any.</summary>
        public void HostAccess(SimMappingState mapping, long offset, byte[] buffer, int bufferOffset, int count, bool write)
        {
            var op = KernelOperation.HostAccess;
            if (mapping.Unmapped)
                throw Refuse(op, KernelRules.HostAccessUnmapped, $"{Hex.Address(mapping.Address)}+{Hex.Signed(offset)}", "munmap already ran");
            var file = mapping.File;
            // Nothing to copy touches no page (measured: a 0-byte read of a page the host may not fault succeeds).
            if (file != null && count > 0)
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

        /// <summary>The mapping that holds a host virtual address, if any (for a memslot's userspace_addr). A VMA covers
        /// whole pages: the tail of the last page of a 4097-byte mapping is mapped too (measured: a guest write there completes).</summary>
        public SimMappingState? FindMapping(ulong address) =>
            addressSpace.TryGet(address, out var hit) && address < hit.Value.Address + (ulong)RoundUp(hit.Value.Length) ? hit.Value : null;
    }
}
