using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;

namespace GmemPS.Lab.Map
{
    /// <summary>What a stretch of guest physical memory is: a memslot, or a gap between two of them.</summary>
    internal enum GpaRegionKind
    {
        Slot,
        Gap,
    }

    /// <summary>A gpa range of one VM with the attribute state the lab last set on it.</summary>
    internal sealed class AttributeSpan
    {
        public AttributeSpan(ulong start, ulong end, string state)
        {
            Start = start;
            End = end;
            State = state;
        }

        public ulong Start { get; }
        public ulong End { get; }
        /// <summary>"Private" or "Shared".</summary>
        public string State { get; }
    }

    /// <summary>One row of a VM's gpa space: a slot with what backs it, or a gap.</summary>
    internal sealed class GpaRegion
    {
        public GpaRegion(GpaRegionKind kind, ulong start, ulong end, LabMemslot? slot, IReadOnlyList<AttributeSpan> attributes)
        {
            Kind = kind;
            Start = start;
            End = end;
            Slot = slot;
            Attributes = attributes;
        }

        public GpaRegionKind Kind { get; }
        public ulong Start { get; }
        /// <summary>Exclusive.</summary>
        public ulong End { get; }
        public ulong Size => End - Start;
        public LabMemslot? Slot { get; }
        /// <summary>The slot's range cut by attribute state; one span when the whole slot has one state.</summary>
        public IReadOnlyList<AttributeSpan> Attributes { get; }

        /// <summary>Private, Shared, or Mixed when the slot holds both.</summary>
        public string State
        {
            get
            {
                if (Kind == GpaRegionKind.Gap) return string.Empty;
                var states = Attributes.Select(a => a.State).Distinct().ToList();
                return states.Count == 1 ? states[0] : "Mixed";
            }
        }
    }

    /// <summary>
    /// The model both renderers draw: per VM, its open memslots in gpa order with the gaps between them and
    /// each slot's attribute state, and the files the VM created. Memory attributes are per VM and per gfn,
    /// independent of slots (kernel-semantics §2.7), so a slot's state is cut from the lab's attribute record.
    /// </summary>
    internal sealed class GmemMapLayout
    {
        private GmemMapLayout(LabVm vm, IReadOnlyList<GpaRegion> regions, IReadOnlyList<LabFile> files, IReadOnlyList<AttributeSpan> privateOutsideSlots)
        {
            Vm = vm;
            Regions = regions;
            Files = files;
            PrivateOutsideSlots = privateOutsideSlots;
        }

        public LabVm Vm { get; }
        public IReadOnlyList<GpaRegion> Regions { get; }
        public IReadOnlyList<LabFile> Files { get; }
        /// <summary>Private ranges where no slot is (attributes outlive slots; a guest access there faults).</summary>
        public IReadOnlyList<AttributeSpan> PrivateOutsideSlots { get; }

        public IEnumerable<GpaRegion> Slots => Regions.Where(r => r.Kind == GpaRegionKind.Slot);

        public static IReadOnlyList<GmemMapLayout> Build(GmemLab lab, IEnumerable<LabVm> vms)
        {
            if (lab == null) throw new ArgumentNullException(nameof(lab));
            if (vms == null) throw new ArgumentNullException(nameof(vms));
            var memslots = lab.Memslots;
            var files = lab.Files;
            var result = new List<GmemMapLayout>();
            foreach (var vm in vms.Distinct())
            {
                var privateRanges = lab.Attributes(vm)
                    .Where(a => (a.Attributes & MemoryAttributes.Private) != 0)
                    .Select(a => (Start: a.Gpa, End: a.Gpa + a.Size))
                    .OrderBy(a => a.Start)
                    .ToList();
                var slots = memslots.Where(s => ReferenceEquals(s.Vm, vm)).OrderBy(s => s.Gpa).ThenBy(s => s.Slot).ToList();
                var regions = new List<GpaRegion>();
                ulong cursor = 0;
                foreach (var slot in slots)
                {
                    if (slot.Gpa > cursor)
                        regions.Add(new GpaRegion(GpaRegionKind.Gap, cursor, slot.Gpa, null, Array.Empty<AttributeSpan>()));
                    ulong end = slot.Gpa + slot.Size;
                    regions.Add(new GpaRegion(GpaRegionKind.Slot, slot.Gpa, end, slot, Cut(slot.Gpa, end, privateRanges)));
                    cursor = Math.Max(cursor, end);
                }
                var outside = privateRanges
                    .SelectMany(p => Subtract(p.Start, p.End, slots.Select(s => (s.Gpa, s.Gpa + s.Size))))
                    .Select(p => new AttributeSpan(p.Start, p.End, "Private"))
                    .ToList();
                var vmFiles = files.Where(f => ReferenceEquals(f.Vm, vm)).ToList();
                result.Add(new GmemMapLayout(vm, regions, vmFiles, outside));
            }
            return result;
        }

        /// <summary>[start, end) split at the private ranges; everything not private is shared.</summary>
        private static IReadOnlyList<AttributeSpan> Cut(ulong start, ulong end, List<(ulong Start, ulong End)> privateRanges)
        {
            var spans = new List<AttributeSpan>();
            ulong at = start;
            foreach (var p in privateRanges)
            {
                if (p.End <= at || p.Start >= end) continue;
                ulong from = Math.Max(p.Start, at), to = Math.Min(p.End, end);
                if (from > at) Add(spans, at, from, "Shared");
                Add(spans, from, to, "Private");
                at = to;
            }
            if (at < end) Add(spans, at, end, "Shared");
            return spans;
        }

        // Adjacent ranges with the same state merge: two abutting private requests are one private range.
        private static void Add(List<AttributeSpan> spans, ulong start, ulong end, string state)
        {
            if (spans.Count > 0 && spans[spans.Count - 1].State == state && spans[spans.Count - 1].End == start)
                spans[spans.Count - 1] = new AttributeSpan(spans[spans.Count - 1].Start, end, state);
            else
                spans.Add(new AttributeSpan(start, end, state));
        }

        private static IEnumerable<(ulong Start, ulong End)> Subtract(ulong start, ulong end, IEnumerable<(ulong Start, ulong End)> holes)
        {
            var pieces = new List<(ulong Start, ulong End)> { (start, end) };
            foreach (var (hs, he) in holes)
            {
                var next = new List<(ulong Start, ulong End)>();
                foreach (var (s, e) in pieces)
                {
                    if (he <= s || hs >= e) { next.Add((s, e)); continue; }
                    if (hs > s) next.Add((s, hs));
                    if (he < e) next.Add((he, e));
                }
                pieces = next;
            }
            return pieces;
        }

        /// <summary>Human size when the value is an exact binary unit ("2 MiB"), hex otherwise.</summary>
        public static string Size(ulong value)
        {
            string human = Hex.HumanSize(value);
            return human.Length == 0 ? Hex.Address(value) : human;
        }

        /// <summary>A half-open range the way events print them: [0x0, 0x200000).</summary>
        public static string Range(ulong start, ulong end) => $"[{Hex.Address(start)}, {Hex.Address(end)})";

        public static string FileName(LabFile file) =>
            file.State == LabObjectState.Open ? file.Id : $"{file.Id} (closed)";

        public static string FlagsText(GuestMemfdFlags flags) => flags == GuestMemfdFlags.None ? "no flags" : flags.ToString();

        /// <summary>The open slots of this VM backed by a file, in slot id order ("0, 1").</summary>
        public string SlotsOf(LabFile file) =>
            string.Join(", ", Slots.Where(r => ReferenceEquals(r.Slot!.File, file)).Select(r => r.Slot!.Slot).OrderBy(s => s));
    }
}
