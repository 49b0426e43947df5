using System;
using System.Collections.Generic;
using GmemPS.Kernel;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// The guest_memfd inode: its size, flags and page cache. Pages are tracked as ranges (allocated or not);
    /// contents exist only for pages someone wrote — every other page reads as zero, as a fresh page does.
    /// </summary>
    internal sealed class SimGmemInode
    {
        private static readonly object Present = new object();
        private readonly IntervalMap<object> allocated = new IntervalMap<object>();
        // Folios marked up to date: zeroed and filled on their first fault (host or guest); fallocate leaves them not.
        private readonly IntervalMap<object> uptodate = new IntervalMap<object>();
        private readonly Dictionary<ulong, byte[]> contents = new Dictionary<ulong, byte[]>();

        public SimGmemInode(long number, ulong size, GuestMemfdFlags flags)
        {
            Number = number;
            Size = size;
            Flags = flags;
        }

        public long Number { get; }
        /// <summary>Seed B: how this inode's pages convert (the designs of the VM that created it).</summary>
        public GmemPS.Designs.ConversionModel Conversion { get; set; }
        /// <summary>Seed B, per page offset: who may map it. Empty under upstream's whole-file model (INIT_SHARED decides).</summary>
        public IntervalMap<GmemPS.Designs.GmemPageState> States { get; } = new IntervalMap<GmemPS.Designs.GmemPageState>();
        /// <summary>The files (per-VM views) over this inode: one upstream, more with the link RFC.</summary>
        public List<SimGmemFile> Views { get; } = new List<SimGmemFile>();
        public ulong Size { get; private set; }
        public GuestMemfdFlags Flags { get; }
        public ulong Pages => Size >> KvmLimits.PageShift;
        public bool Mmapable => (Flags & GuestMemfdFlags.Mmap) != 0;
        public bool InitShared => (Flags & GuestMemfdFlags.InitShared) != 0;

        public IntervalMap<object>.Ranges AllocatedRanges => allocated.All;
        public ulong AllocatedPages(ulong start, ulong end) => allocated.Covered(start, end);
        public int WrittenPages => contents.Count;

        /// <summary>Adds [start, end) to the page cache; returns how many pages were new.</summary>
        public ulong Allocate(ulong start, ulong end) => end - start - allocated.Set(start, end, Present);

        /// <summary>truncate_inode_pages_range: drops [start, end) and its data; returns pages freed.</summary>
        public ulong Truncate(ulong start, ulong end)
        {
            end = Math.Min(end, Pages);
            if (start >= end) return 0;
            ulong freed = allocated.Clear(start, end);
            uptodate.Clear(start, end);
            ForgetContents(start, end);
            return freed;
        }

        /// <summary>ftruncate of a memfd's page store (seed C): growing adds holes, shrinking frees the pages past the end.</summary>
        public ulong Resize(ulong size)
        {
            ulong oldPages = Pages;
            ulong freed = size < Size ? Truncate((size + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift, oldPages) : 0;
            Size = size;
            return freed;
        }

        /// <summary>Zeroes the contents of [start, end) keeping the pages allocated; returns how many allocated pages it covered.</summary>
        public ulong Zero(ulong start, ulong end)
        {
            ulong covered = allocated.Covered(start, end);
            ForgetContents(start, end);
            return covered;
        }

        /// <summary>Drops the written contents of [start, end): by page or by written page, whichever is fewer.</summary>
        private void ForgetContents(ulong start, ulong end)
        {
            if (contents.Count == 0) return;
            if (end - start < (ulong)contents.Count)
            {
                for (ulong page = start; page < end; page++) contents.Remove(page);
                return;
            }
            var doomed = new List<ulong>();
            foreach (ulong page in contents.Keys) if (page >= start && page < end) doomed.Add(page);
            foreach (ulong page in doomed) contents.Remove(page);
        }

        /// <summary>Whether a page's folio is in the page cache and up to date (what mincore(2) reports).</summary>
        public bool IsUptodate(ulong page) => page < Pages && uptodate.Covered(page, page + 1) > 0;

        /// <summary>A fault on a page: allocates its folio if need be and marks it up to date; returns whether it was new.</summary>
        private bool FaultIn(ulong page)
        {
            bool isNew = Allocate(page, page + 1) > 0;
            uptodate.Set(page, page + 1, Present);
            return isNew;
        }

        /// <summary>Copies out of one page (faulting it in); returns whether the page was new.</summary>
        public bool Read(ulong page, int offsetInPage, byte[] destination, int destinationOffset, int count)
        {
            bool isNew = FaultIn(page);
            if (contents.TryGetValue(page, out byte[]? data)) Buffer.BlockCopy(data, offsetInPage, destination, destinationOffset, count);
            else Array.Clear(destination, destinationOffset, count);
            return isNew;
        }

        public bool Write(ulong page, int offsetInPage, byte[] source, int sourceOffset, int count)
        {
            bool isNew = FaultIn(page);
            if (!contents.TryGetValue(page, out byte[]? data)) contents[page] = data = new byte[KvmLimits.PageSize];
            Buffer.BlockCopy(source, sourceOffset, data, offsetInPage, count);
            return isNew;
        }
    }
}
