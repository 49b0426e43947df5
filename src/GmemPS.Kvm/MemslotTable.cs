using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Kvm
{
    /// <summary>What an accepted KVM_SET_USER_MEMORY_REGION2 did to the slot it named.</summary>
    internal enum MemslotChange
    {
        /// <summary>Same gpa as before (a flags-only change or an identical re-issue): no slot came or went.</summary>
        Unchanged,
        Created,
        Deleted,
        /// <summary>A non-guest_memfd slot moved to another gpa (the kernel's KVM_MR_MOVE).</summary>
        Moved,
    }

    /// <summary>
    /// The user's memslots, learned only from requests the kernel accepted (never predicted). Guest access
    /// reads it to place its scratch slot where no user slot is.
    /// </summary>
    internal sealed class MemslotTable
    {
        private readonly Dictionary<uint, (ulong Gpa, ulong Size)> slots = new Dictionary<uint, (ulong, ulong)>();

        public MemslotChange Apply(UserMemoryRegion2 accepted)
        {
            bool existed = slots.TryGetValue(accepted.Slot, out var old);
            if (accepted.IsDelete)
            {
                slots.Remove(accepted.Slot);
                return MemslotChange.Deleted;
            }
            slots[accepted.Slot] = (accepted.GuestPhysAddr, accepted.MemorySize);
            if (!existed) return MemslotChange.Created;
            return old.Gpa == accepted.GuestPhysAddr ? MemslotChange.Unchanged : MemslotChange.Moved;
        }

        public bool Contains(uint slot) => slots.ContainsKey(slot);

        public IEnumerable<(ulong Gpa, ulong Size)> Ranges => slots.Values;
    }
}
