using System.Collections.Generic;
using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator
{
    // Seed D (Dec 2021 - Jan 2022): how a punch finds the memslots and gfns to zap. Upstream's per-file bindings
    // index is the rest of the simulator; here are the rejected per-VM ofs_tree (matches offsets whatever the
    // file), Sean's per-slot notifier (one callback per registered slot), his sketch of the gfn arithmetic
    // (base_gfn left out), and binding one file page at two gfns without the 1:1 check. What a design fails to
    // zap stays mapped to a freed page (SimKvm.StaleGfns) until something zaps it; a vCPU touching it is a
    // use-after-free.
    internal sealed partial class SimKernel
    {
        private void InvalidateByDesign(SimGmemFile view, SimKvm kvm, ulong start, ulong end, InvalidationCause cause)
        {
            var designs = kvm.Designs;
            var own = SlotsBackedBy(view, kvm);
            var zapped = new IntervalMap<bool>();
            foreach (var slot in SlotsVisited(view, kvm, own, start, end))
            {
                bool overlaps = slot.PageOffset < end && start < slot.PageOffset + slot.Pages;
                if (designs.OffsetIndex == OffsetIndex.PerSlotNotifier)
                {
                    Emit(new InvalidateCallback(kvm.Id, slot.Id, overlaps, DesignDecisions.SlotNotifier));
                    if (!overlaps) continue;
                }
                bool ofThisFile = ReferenceEquals(slot.GmemFile, view);
                var intended = ofThisFile ? ClampedGfns(slot, start, end) : (0UL, 0UL);
                var (first, last, why, design) = designs.GfnMath == GfnMath.SketchWithoutBaseGfn
                    ? SketchGfns(slot, start, end)
                    : (ClampedGfns(slot, start, end).First, ClampedGfns(slot, start, end).Last, string.Empty, DesignDecisions.PerFileBindings);
                if (first < last)
                {
                    Zap(kvm, slot, first, last, cause);
                    zapped.Set(first, last, true);
                }
                if ((first, last) == intended || (first >= last && intended.Item1 >= intended.Item2)) continue;
                if (!ofThisFile)
                {
                    why = $"slot {slot.Id} maps inode {slot.GmemFile?.Inode.Number}, not the punched inode {view.Inode.Number}: the tree matched the file offsets alone";
                    design = DesignDecisions.OffsetTree;
                }
                Emit(new MisdirectedInvalidation(kvm.Id, slot.Id, first, last, intended.Item1, intended.Item2, why, design));
            }
            // Every gfn that maps a punched page of this file and was not zapped keeps mapping it after it is freed.
            foreach (var slot in own)
            {
                var (first, last) = ClampedGfns(slot, start, end);
                if (first >= last) continue;
                string design = slot.Aliased ? DesignDecisions.OneToOne
                    : designs.GfnMath == GfnMath.SketchWithoutBaseGfn ? DesignDecisions.SketchMath
                    : DesignDecisions.OffsetTree;
                foreach (var (gapStart, gapEnd) in Gaps(zapped, first, last))
                {
                    kvm.StaleGfns.Set(gapStart, gapEnd, design);
                    Emit(new StaleMappingLeft(kvm.Id, slot.Id, gapStart, gapEnd, design));
                }
            }
        }

        /// <summary>Which slots the design's index hands the punch to.</summary>
        private static IEnumerable<SimMemslot> SlotsVisited(SimGmemFile view, SimKvm kvm, List<SimMemslot> own, ulong start, ulong end)
        {
            switch (kvm.Designs.OffsetIndex)
            {
                case OffsetIndex.PerVmOffsetTree:
                    // Keyed by offset alone: every gmem slot of the VM whose offsets meet [start, end), whatever its file.
                    return kvm.Slots.Values.Where(s => s.GmemFile != null && s.PageOffset < end && start < s.PageOffset + s.Pages)
                        .OrderBy(s => s.Id).ToList();
                case OffsetIndex.PerSlotNotifier:
                    return own; // every slot registered on the file, overlapping or not
                default:
                    return view.Bindings.Overlapping(start, end).Select(b => b.Value).Where(s => !s.Freed).Distinct().ToList();
            }
        }

        /// <summary>The slots whose gfns are backed by this view: its bindings, and any slot aliasing them.</summary>
        private static List<SimMemslot> SlotsBackedBy(SimGmemFile view, SimKvm kvm) =>
            view.Bindings.All.Select(b => b.Value).Where(s => !s.Freed)
                .Concat(kvm.Slots.Values.Where(s => s.Aliased && ReferenceEquals(s.GmemFile, view)))
                .Distinct().OrderBy(s => s.Id).ToList();

        /// <summary>
        /// Sean's sketch of kvm_private_fd_fallocate_range: gfn = (offset − private_offset) » PAGE_SHIFT, the end clamped
        /// against base_gfn + npages, the start not at all. A start below the slot's offset underflows; it is taken as 0.
        /// </summary>
        private static (ulong First, ulong Last, string Why, string Design) SketchGfns(SimMemslot slot, ulong start, ulong end)
        {
            long first = (long)start - (long)slot.PageOffset;
            long last = System.Math.Min((long)end - (long)slot.PageOffset, (long)(slot.BaseGfn + slot.Pages));
            string why = $"the sketch computes gfns {first}..{last} without base_gfn {Hex.Address(slot.BaseGfn)}"
                + (first < 0 ? $" and its start underflows ({first}), never clamped" : string.Empty);
            return ((ulong)System.Math.Max(0, first), (ulong)System.Math.Max(0, last), why, DesignDecisions.SketchMath);
        }

        private static IEnumerable<(ulong Start, ulong End)> Gaps(IntervalMap<bool> covered, ulong start, ulong end)
        {
            ulong at = start;
            foreach (var c in covered.Overlapping(start, end))
            {
                if (c.Start > at) yield return (at, c.Start);
                at = System.Math.Max(at, c.End);
            }
            if (at < end) yield return (at, end);
        }

        /// <summary>A vCPU touching a gfn a design left mapped to a freed page: reported as a use-after-free.</summary>
        private bool TouchesStaleMapping(SimKvm kvm, ulong gfn)
        {
            if (!kvm.StaleGfns.TryGet(gfn, out var stale)) return false;
            Emit(new UseAfterFree($"the freed page behind vm {kvm.Id} gfn {Hex.Address(gfn)}", "a vCPU access through the mapping nobody zapped", stale.Value));
            return true;
        }
    }
}
