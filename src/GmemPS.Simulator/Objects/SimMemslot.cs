using GmemPS.Kernel;

namespace GmemPS.Simulator.Objects
{
    /// <summary>struct kvm_memory_slot: a gfn range, its userspace_addr, and (weakly) the guest_memfd it is bound to.</summary>
    internal sealed class SimMemslot
    {
        public SimMemslot(int addressSpace, int id, MemslotFlags flags, ulong baseGfn, ulong pages, ulong userspaceAddr)
        {
            AddressSpace = addressSpace;
            Id = id;
            Flags = flags;
            BaseGfn = baseGfn;
            Pages = pages;
            UserspaceAddr = userspaceAddr;
        }

        public int AddressSpace { get; }
        public int Id { get; }
        public MemslotFlags Flags { get; set; }
        public ulong BaseGfn { get; set; }
        public ulong Pages { get; }
        public ulong UserspaceAddr { get; }
        public ulong EndGfn => BaseGfn + Pages;

        /// <summary>slot-&gt;gmem.file: no reference is held (§3); the file's release sets it to null.</summary>
        public SimGmemFile? GmemFile { get; set; }
        /// <summary>slot-&gt;gmem.pgoff: the file page backing BaseGfn.</summary>
        public ulong PageOffset { get; set; }
        /// <summary>Bound to a guest_memfd created with MMAP: guest faults always go through the file (KVM_MEMSLOT_GMEM_ONLY).</summary>
        public bool GmemOnly { get; set; }

        /// <summary>Seed C: the sealed memfd backing this private slot (the 2021 proposal), from page <see cref="PageOffset"/>.</summary>
        public SimMemfd? Memfd { get; set; }

        /// <summary>kvm_free_memslot ran: only a dangling pointer (the 6.18.0 FLAGS_ONLY bug) can still reach it.</summary>
        public bool Freed { get; set; }

        /// <summary>Bound to file pages another slot of the VM already maps (seed D with the 1:1 check off): not in the file's bindings.</summary>
        public bool Aliased { get; set; }

        public bool IsGmem => (Flags & MemslotFlags.GuestMemfd) != 0;

        /// <summary>index(gfn) = gfn − base_gfn + pgoff (kvm_gmem_get_index).</summary>
        public ulong FilePage(ulong gfn) => gfn - BaseGfn + PageOffset;
    }
}
