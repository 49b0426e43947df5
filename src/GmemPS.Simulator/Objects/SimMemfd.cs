using System.Collections.Generic;
using GmemPS.Designs;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// A shmem memfd of the 2021 proposal (seed C): its pages, the F_SEAL_GUEST seal, and the guest owner KVM
    /// registered with memfd_register_guest. The owner is a plain pointer unless KVM holds a memfd reference.
    /// </summary>
    internal sealed class SimMemfd
    {
        public SimMemfd(SimGmemInode store)
        {
            Store = store;
        }

        /// <summary>The page cache (its size follows ftruncate).</summary>
        public SimGmemInode Store { get; }
        public long Number => Store.Number;
        public bool Sealed { get; set; }
        /// <summary>The fd, plus one while KVM holds a reference (OwnerCheck.KvmHoldsMemfdRef).</summary>
        public int References { get; set; }
        public bool Released { get; set; }

        /// <summary>guest_owner: the registered KVM; it may be destroyed (a dangling owner) unless KVM holds a reference.</summary>
        public SimKvm? Owner { get; set; }
        /// <summary>The owner's designs, remembered past its death (the callback's behaviour is the owner code's).</summary>
        public DesignPolicies OwnerDesigns { get; set; } = DesignPolicies.Upstream;
        /// <summary>Per-memslot registration: the slot that registered.</summary>
        public SimMemslot? OwnerSlot { get; set; }
        public bool KvmHoldsReference { get; set; }

        /// <summary>Page locks held by get_lock_pfn until put_unlock_pfn.</summary>
        public IntervalMap<bool> LockedPages { get; } = new IntervalMap<bool>();
        /// <summary>A truncate waiting on a page lock: the size it will set.</summary>
        public ulong? WaitingTruncate { get; set; }
    }

    /// <summary>A guest fault stopped between get_(lock_)pfn and the SEPT install.</summary>
    internal sealed class SimGuestFault
    {
        public SimGuestFault(SimKvm kvm, SimMemslot slot, SimMemfd memfd, ulong gfn, ulong page, bool locked)
        {
            Kvm = kvm;
            Slot = slot;
            Memfd = memfd;
            Gfn = gfn;
            Page = page;
            Locked = locked;
        }

        public SimKvm Kvm { get; }
        public SimMemslot Slot { get; }
        public SimMemfd Memfd { get; }
        public ulong Gfn { get; }
        public ulong Page { get; }
        public bool Locked { get; }
        /// <summary>A truncate freed the page after the lookup (only possible without the page lock).</summary>
        public bool PageFreed { get; set; }
        public bool Completed { get; set; }
    }
}
