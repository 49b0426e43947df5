using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;

namespace GmemPS.Kvm
{
    /// <summary>
    /// Where the scratch memslot goes for one access: a slot id and a gpa range that no user slot uses and
    /// that does not contain the target page. The slot exists only while the access runs, so the user never
    /// sees an EEXIST or a slot id they did not create.
    /// </summary>
    internal static class ScratchPlacement
    {
        /// <summary>The highest slot id of address space 0 the user does not hold (ids must be below KVM_USER_MEM_SLOTS).</summary>
        public static uint SlotId(MemslotTable slots)
        {
            for (uint id = KvmLimits.UserMemSlots - 1; ; id--)
            {
                if (!slots.Contains(id)) return id;
                if (id == 0) throw new InvalidOperationException("Every memslot id is in use; guest access needs one free id for its scratch slot.");
            }
        }

        /// <summary>
        /// The preferred gpa if it is free, else the nearest free gap below or above the ranges in the way,
        /// staying under <paramref name="limit"/> (the guest's physical address width).
        /// </summary>
        public static ulong Gpa(MemslotTable slots, ulong preferred, ulong targetGpa, ulong limit)
        {
            ulong targetPage = targetGpa & ~(ulong)(KvmLimits.PageSize - 1);
            var busy = slots.Ranges.Select(r => (Start: r.Gpa, End: r.Gpa + r.Size)).ToList();
            busy.Add((targetPage, targetPage + (ulong)KvmLimits.PageSize));

            var candidates = new List<ulong> { preferred };
            foreach (var (start, end) in busy.OrderBy(r => r.Start))
            {
                if (start >= ScratchMemory.Size) candidates.Add(start - ScratchMemory.Size);
                candidates.Add(end);
            }
            foreach (ulong candidate in candidates)
            {
                ulong end = candidate + ScratchMemory.Size;
                if (end < candidate || end > limit) continue;
                if (!busy.Any(r => candidate < r.End && r.Start < end)) return candidate;
            }
            throw new InvalidOperationException("No free guest-physical range for the guest-access scratch memslot.");
        }
    }
}
