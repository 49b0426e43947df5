using System.Collections.Generic;
using GmemPS.Designs;
using GmemPS.Kernel;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// struct kvm: memslots per address space, per-gfn memory attributes, and users_count. The VM fd holds
    /// one reference and every guest_memfd file another (§3); at zero the VM is destroyed.
    /// </summary>
    internal sealed class SimKvm
    {
        /// <summary>x86 has two address spaces (normal and SMM); slot &gt;&gt; 16 picks one.</summary>
        public const int AddressSpaces = 2;

        public SimKvm(int id, ulong type, DesignPolicies designs)
        {
            Id = id;
            Type = type;
            Designs = designs;
            for (int i = 0; i < AddressSpaces; i++) GfnSpace[i] = new IntervalMap<SimMemslot>(ReferenceEqualityComparer<SimMemslot>.Instance);
        }

        public int Id { get; }
        public ulong Type { get; }
        /// <summary>The designs this VM runs (upstream unless created otherwise).</summary>
        public DesignPolicies Designs { get; }
        public int UsersCount { get; set; } = 1;
        public bool Destroyed { get; set; }
        /// <summary>users_count reached 0 and kvm_put_kvm_async queued the destroy (seed E).</summary>
        public bool DestroyPending { get; set; }

        /// <summary>Slots by (address space &lt;&lt; 16 | id).</summary>
        public Dictionary<uint, SimMemslot> Slots { get; } = new Dictionary<uint, SimMemslot>();
        /// <summary>Per address space: gfn → slot, for overlap checks and guest faults.</summary>
        public IntervalMap<SimMemslot>[] GfnSpace { get; } = new IntervalMap<SimMemslot>[AddressSpaces];
        /// <summary>kvm-&gt;mem_attr_array: gfn → attributes (absent = 0, shared).</summary>
        public IntervalMap<MemoryAttributes> Attributes { get; } = new IntervalMap<MemoryAttributes>();

        /// <summary>
        /// Gfns whose guest mappings still point at pages that were freed without a zap: only a design's
        /// invalidation bug (seed D) or race (seed C) leaves any. The value says how it happened.
        /// </summary>
        public IntervalMap<string> StaleGfns { get; } = new IntervalMap<string>();

        /// <summary>Seed C: memfds this VM registered with and holds a reference on (OwnerCheck.KvmHoldsMemfdRef).</summary>
        public List<SimMemfd> HeldMemfds { get; } = new List<SimMemfd>();

        /// <summary>kvm_arch_has_private_mem: SW_PROTECTED, SNP and TDX VMs.</summary>
        public bool HasPrivateMemory => Type == (ulong)VmType.SwProtected || Type == (ulong)VmType.Snp || Type == (ulong)VmType.Tdx;
    }
}
