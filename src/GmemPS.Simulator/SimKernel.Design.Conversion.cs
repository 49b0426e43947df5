using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // Seed B (2025-2026): in-place conversion with host references. Upstream 6.18 has no per-page state: a file is
    // shared or private as a whole (INIT_SHARED) and the VM's attributes decide the rest. Fuad's RFC v5 keeps a
    // per-page mappability (ALL / GUEST / NONE) and lets the final folio_put finish a conversion the host's
    // references held up; the 2026 series converts on the file (KVM_SET_MEMORY_ATTRIBUTES2), unmaps the host and
    // fails with -EAGAIN and error_offset on any other reference. The host's references are mappings that faulted a
    // page in (mapcount) and SimHostReferences (pins, speculative references).
    internal sealed partial class SimKernel
    {
        private readonly List<SimHostReference> hostReferences = new List<SimHostReference>();
        private int nextHostReference;

        public IReadOnlyList<SimHostReference> HostReferences => hostReferences;

        /// <summary>The state a new inode's pages start in under a seed B design; upstream keeps no per-page state.</summary>
        private static void InitPageStates(SimGmemInode inode, DesignPolicies designs)
        {
            inode.Conversion = designs.ConversionModel;
            if (designs.ConversionModel != ConversionModel.VmAttributes)
                inode.States.Set(0, inode.Pages, inode.InitShared ? GmemPageState.Shared : GmemPageState.Private);
        }

        /// <summary>Whether the host may fault a page in: upstream, INIT_SHARED; the seed B designs, the page's state.</summary>
        internal static bool HostMayMap(SimGmemInode inode, ulong page) =>
            inode.Conversion == ConversionModel.VmAttributes
                ? inode.InitShared
                : inode.States.TryGet(page, out var s) && s.Value == GmemPageState.Shared;

        private static string HostRefusal(SimGmemInode inode, ulong page) =>
            inode.Conversion == ConversionModel.VmAttributes
                ? $"inode {inode.Number} was created without INIT_SHARED"
                : $"page {page} of inode {inode.Number} is {State(inode, page)}";

        private static GmemPageState State(SimGmemInode inode, ulong page) =>
            inode.Conversion == ConversionModel.VmAttributes
                ? (inode.InitShared ? GmemPageState.Shared : GmemPageState.Private)
                : inode.States.TryGet(page, out var s) ? s.Value : GmemPageState.Private;

        /// <summary>Live host references (not mappings) on a page.</summary>
        internal int ReferencesOn(SimGmemInode inode, ulong page) =>
            hostReferences.Count(r => ReferenceEquals(r.Inode, inode) && r.Covers(page));

        /// <summary>Live host mappings of the inode that faulted the page in (its mapcount).</summary>
        private int Mapcount(SimGmemInode inode, ulong page) =>
            LiveMappings.Count(m => m.File != null && ReferenceEquals(m.File.Inode, inode) && m.Faulted.TryGet(page, out _));

        // ---- conversion ----

        public void Convert(SimGmemFile file, ConvertRequest r)
        {
            switch (file.Inode.Conversion)
            {
                case ConversionModel.FolioCallback:
                    GuestConvert(file.Inode, r);
                    break;
                case ConversionModel.GmemAttributes2:
                    SetAttributes2(file.Inode, r);
                    break;
                default:
                    throw Refuse(KernelOperation.SetMemoryAttributes2, KernelRules.GmemAttributes2NotSupported, r,
                        $"inode {file.Inode.Number} is a 6.18 guest_memfd: shared or private as a whole");
            }
        }

        private static (ulong First, ulong End) CheckRange(SimGmemInode inode, ConvertRequest r, KernelOperation op, KernelRule rule)
        {
            ulong page = (ulong)KvmLimits.PageSize;
            if (r.Size == 0 || r.Offset % page != 0 || r.Size % page != 0 || r.Offset + r.Size < r.Offset || r.Offset + r.Size > inode.Size)
                throw Refuse(op, rule, r, $"offset {Hex.Address(r.Offset)}, size {Hex.Address(r.Size)}, file size {Hex.Address(inode.Size)}");
            return (r.Offset >> KvmLimits.PageShift, (r.Offset + r.Size) >> KvmLimits.PageShift);
        }

        /// <summary>RFC v5: the guest shares (gmem_set_mappable) or unshares (gmem_clear_mappable) pages.</summary>
        private void GuestConvert(SimGmemInode inode, ConvertRequest r)
        {
            var op = KernelOperation.GuestConvert;
            var (first, end) = CheckRange(inode, r, op, KernelRules.GuestConvertRangeInvalid);
            if (!r.ToPrivate)
            {
                for (ulong page = first; page < end; page++)
                    if (State(inode, page) == GmemPageState.Pending)
                        Emit(new PendingConversionCancelled(inode.Number, page, DesignDecisions.FinalPutCallback));
                SetState(inode, first, end, GmemPageState.Shared, DesignDecisions.FolioMappability);
                return;
            }
            bool frozen = FileDesigns(inode).RefcountCheck == RefcountCheck.Frozen;
            KernelRule? refusal = null;
            ulong stop = end;
            for (ulong page = first; page < end && refusal == null; page++)
            {
                var state = State(inode, page);
                if (state != GmemPageState.Shared) continue;
                if (Mapcount(inode, page) > 0)
                {
                    // __gmem_register_callback: mapped in the host, so -EAGAIN without arming anything.
                    Emit(new ConversionRefused(inode.Number, page, "still mapped in the host (mapcount > 0): munmap, then retry", DesignDecisions.MappedEagain));
                    refusal = KernelRules.UnshareHostMapped;
                    stop = page;
                    break;
                }
                int references = ReferencesOn(inode, page);
                if (references == 0)
                {
                    SetState(inode, page, page + 1, GmemPageState.Private, DesignDecisions.FolioMappability);
                    continue;
                }
                bool speculative = hostReferences.Any(h => ReferenceEquals(h.Inode, inode) && h.Covers(page) && h.Kind == HostReferenceKind.Speculative);
                if (frozen)
                {
                    // folio_ref_freeze(expected) fails on any other reference: nothing changes.
                    Emit(new ConversionRefused(inode.Number, page, $"folio_ref_freeze failed: {references} other reference(s)", DesignDecisions.FrozenCheck));
                    refusal = KernelRules.UnshareFreezeFailed;
                    stop = page + 1;
                    break;
                }
                if (speculative) Emit(new SpuriousRefcountFailure(inode.Number, page, DesignDecisions.SpeculativeReference));
                SetState(inode, page, page + 1, GmemPageState.Pending, DesignDecisions.FinalPutCallback);
                refusal ??= KernelRules.UnshareDeferred;
            }
            DropSpeculativeReferences(inode, first, stop);
            if (refusal != null) throw Refuse(op, refusal, r, $"inode {inode.Number}");
        }

        /// <summary>2026: KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd.</summary>
        private void SetAttributes2(SimGmemInode inode, ConvertRequest r)
        {
            var op = KernelOperation.SetMemoryAttributes2;
            var (first, end) = CheckRange(inode, r, op, KernelRules.ConversionRangeInvalid);
            if (r.Content == ConversionContent.Zero && r.ToPrivate)
                throw Refuse(op, KernelRules.ConversionContentUnsupported, r, "ZERO on a shared-to-private conversion");
            if (r.Content == ConversionContent.Preserve && FileDesigns(inode).PreserveContent == PreserveContent.Unsupported)
                throw Refuse(op, KernelRules.ConversionContentUnsupported, r, "this architecture cannot preserve contents");
            if (r.ToPrivate)
            {
                // Under filemap_invalidate_lock: unmap every host PTE (no new fault can come in), then check refcounts.
                ZapHostMappings(inode, first, end, DesignDecisions.Attributes2);
                ulong? pinned = null;
                for (ulong page = first; page < end && pinned == null; page++)
                    if (ReferencesOn(inode, page) > 0) pinned = page;
                DropSpeculativeReferences(inode, first, end);
                if (pinned != null)
                {
                    r.ErrorOffset = pinned.Value << KvmLimits.PageShift;
                    Emit(new ConversionRefused(inode.Number, pinned.Value, "a host reference other than a mapping still holds it (error_offset)", DesignDecisions.Attributes2));
                    throw Refuse(op, KernelRules.ConversionHostReference, r, $"error_offset {Hex.Address(r.ErrorOffset.Value)}");
                }
                SetState(inode, first, end, GmemPageState.Private, DesignDecisions.Attributes2);
                if (r.Content != ConversionContent.Unspecified)
                    Emit(new ConversionContentApplied(inode.Number, first, end, r.Content, inode.AllocatedPages(first, end), DesignDecisions.Attributes2));
                return;
            }
            if (r.Content != ConversionContent.Unspecified)
            {
                ulong pages = r.Content == ConversionContent.Zero ? inode.Zero(first, end) : inode.AllocatedPages(first, end);
                Emit(new ConversionContentApplied(inode.Number, first, end, r.Content, pages, DesignDecisions.Attributes2));
            }
            SetState(inode, first, end, GmemPageState.Shared, DesignDecisions.Attributes2);
        }

        private void SetState(SimGmemInode inode, ulong first, ulong end, GmemPageState state, string design)
        {
            var before = inode.States.Overlapping(first, end);
            if (before.Count == 1 && before[0].Value == state && before[0].Start <= first && before[0].End >= end) return;
            inode.States.Set(first, end, state);
            Emit(new PageStateChanged(inode.Number, first, end, state, design));
        }

        /// <summary>The designs of the VM whose file made the inode (every view of an inode shares its conversion model).</summary>
        private static DesignPolicies FileDesigns(SimGmemInode inode) => inode.Views.FirstOrDefault()?.Designs ?? DesignPolicies.Upstream;

        // ---- host mappings and references ----

        /// <summary>Every host PTE of [first, end) goes: the mappings stay, a later access faults again (and gets SIGBUS if private).</summary>
        private void ZapHostMappings(SimGmemInode inode, ulong first, ulong end, string design)
        {
            int zapped = 0;
            foreach (var m in LiveMappings.Where(m => m.File != null && ReferenceEquals(m.File.Inode, inode)).ToList())
            {
                if (!m.Faulted.Overlaps(first, end)) continue;
                m.Faulted.Clear(first, end);
                zapped++;
            }
            if (zapped > 0) Emit(new HostMappingsZapped(inode.Number, first, end, zapped, design));
        }

        public void DropHostMappings(SimGmemFile file, long offset, long length)
        {
            if (offset < 0 || length <= 0) return;
            ulong first = (ulong)offset >> KvmLimits.PageShift;
            ulong end = ((ulong)(offset + length) + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift;
            foreach (var m in LiveMappings.Where(m => m.File != null && ReferenceEquals(m.File.Inode, file.Inode)))
                m.Faulted.Clear(first, end);
        }

        public SimHostReference TakeHostReference(SimGmemFile file, long offset, long length, HostReferenceKind kind)
        {
            var inode = file.Inode;
            string request = $"inode {inode.Number}, offset {Hex.Signed(offset)}, length {Hex.Signed(length)}, {kind}";
            if (offset < 0 || length <= 0 || offset % KvmLimits.PageSize != 0 || length % KvmLimits.PageSize != 0 || (ulong)(offset + length) > inode.Size)
                throw Refuse(KernelOperation.HostReference, KernelRules.HostReferenceNotMappable, request, "the range must be page aligned and inside the file");
            ulong first = (ulong)offset >> KvmLimits.PageShift, end = (ulong)(offset + length) >> KvmLimits.PageShift;
            for (ulong page = first; page < end; page++)
                if (!HostMayMap(inode, page))
                    throw Refuse(KernelOperation.HostReference, KernelRules.HostReferenceNotMappable, request, HostRefusal(inode, page));
            ulong added = inode.Allocate(first, end);
            if (added > 0) Emit(new PagesAllocated(inode.Number, first, end, added));
            var reference = new SimHostReference(nextHostReference++, inode, first, end, kind);
            hostReferences.Add(reference);
            return reference;
        }

        /// <summary>The put: when a pending page loses its last host reference, the final-put callback runs.</summary>
        public void ReleaseHostReference(SimHostReference reference)
        {
            if (reference.Released) return;
            reference.Released = true;
            hostReferences.Remove(reference);
            var inode = reference.Inode;
            for (ulong page = reference.FirstPage; page < reference.EndPage; page++)
            {
                if (reference.Orphaned.TryGet(page, out _))
                {
                    if (!hostReferences.Any(h => ReferenceEquals(h.Inode, inode) && h.Covers(page) && h.Orphaned.TryGet(page, out _)))
                        Emit(new CallbackOnRemovedFolio(inode.Number, page, DesignDecisions.CallbackAfterRemoval));
                    continue;
                }
                if (State(inode, page) != GmemPageState.Pending || ReferencesOn(inode, page) > 0) continue;
                inode.States.Set(page, page + 1, GmemPageState.Private);
                Emit(new FinalPutCallback(inode.Number, page, DesignDecisions.FinalPutCallback));
            }
        }

        /// <summary>Speculative references last only across the check they disturbed.</summary>
        private void DropSpeculativeReferences(SimGmemInode inode, ulong first, ulong end)
        {
            foreach (var h in hostReferences.Where(h => ReferenceEquals(h.Inode, inode) && h.Kind == HostReferenceKind.Speculative
                         && h.FirstPage < end && first < h.EndPage).ToList())
                ReleaseHostReference(h);
        }

        /// <summary>
        /// Pages leave the filemap (punch, or the inode's last view released). A pending page keeps its armed callback
        /// in RFC v5 — the reference holding the folio will run it on a folio with no mapping — or is reset by the fix.
        /// </summary>
        private void RemovePendingPages(SimGmemInode inode, ulong first, ulong end)
        {
            if (inode.Conversion != ConversionModel.FolioCallback) return;
            foreach (var run in inode.States.Overlapping(first, end).Where(s => s.Value == GmemPageState.Pending).ToList())
            {
                ulong from = System.Math.Max(first, run.Start), to = System.Math.Min(end, run.End);
                for (ulong page = from; page < to; page++)
                {
                    if (FileDesigns(inode).PendingPunch == PendingPunch.ResetOnRemoval)
                        Emit(new PendingConversionReset(inode.Number, page, DesignDecisions.CallbackAfterRemoval));
                    else
                        foreach (var h in hostReferences.Where(h => ReferenceEquals(h.Inode, inode) && h.Covers(page)))
                            h.Orphaned.Set(page, page + 1, true);
                }
                inode.States.Set(from, to, GmemPageState.Private);
            }
        }

        public IReadOnlyList<PageStateRange> PageStates(SimGmemFile file, long offset, long length)
        {
            var inode = file.Inode;
            ulong first = (ulong)System.Math.Max(0, offset) >> KvmLimits.PageShift;
            ulong end = System.Math.Min(inode.Pages, ((ulong)System.Math.Max(0, offset + length) + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift);
            var result = new List<PageStateRange>();
            for (ulong page = first; page < end; page++)
            {
                var state = State(inode, page);
                int references = ReferencesOn(inode, page), mappings = Mapcount(inode, page);
                var last = result.Count == 0 ? null : result[result.Count - 1];
                if (last != null && last.State == state && last.HostReferences == references && last.HostMappings == mappings)
                    result[result.Count - 1] = last with { Length = last.Length + (ulong)KvmLimits.PageSize };
                else
                    result.Add(new PageStateRange(page << KvmLimits.PageShift, (ulong)KvmLimits.PageSize, state, references, mappings));
            }
            return result;
        }

        /// <summary>A vCPU access to a guest_memfd page under a seed B design: the guest maps Shared and Private pages
        /// straight from the file (one copy of the memory), never a Pending one.</summary>
        private GuestAccessResult? GuestAccessByConversion(SimMemslot slot, ulong gpa, ulong gfn, int inPage, byte[] buffer, bool write)
        {
            var file = slot.GmemFile;
            if (file == null || file.Inode.Conversion == ConversionModel.VmAttributes) return null;
            ulong page = slot.FilePage(gfn);
            if (State(file.Inode, page) == GmemPageState.Pending)
                return GuestAccessResult.MemoryFault(gpa, MemoryFaultFlags.Private);
            bool isNew = write
                ? file.Inode.Write(page, inPage, buffer, 0, buffer.Length)
                : file.Inode.Read(page, inPage, buffer, 0, buffer.Length);
            if (isNew) Emit(new PagesAllocated(file.Inode.Number, page, page + 1, 1));
            return GuestAccessResult.Done(write ? System.Array.Empty<byte>() : buffer);
        }
    }
}
