using System;
using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Simulator
{
    /// <summary>
    /// What the simulated kernel supports and how it behaves where kernels differ. <see cref="ThisHost"/> is the
    /// machine the project measured (shared/kernel-facts.md): Linux 6.18, default VM type only, no memory attributes,
    /// guest faults through userspace_addr only.
    /// </summary>
    public sealed record SimulatorProfile
    {
        /// <summary>Bit n set: VM type n can be created (KVM_CAP_VM_TYPES).</summary>
        public ulong VmTypes { get; init; } = 1UL << (int)VmType.Default;
        /// <summary>KVM_CAP_MEMORY_ATTRIBUTES on /dev/kvm; 0 means the ioctl does not exist (ENOTTY).</summary>
        public MemoryAttributes MemoryAttributes { get; init; }
        /// <summary>KVM_CAP_GUEST_MEMFD_FLAGS on /dev/kvm.</summary>
        public GuestMemfdFlags GuestMemfdFlags { get; init; } = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared;
        /// <summary>KVM_CAP_MEMORY_FAULT_INFO.</summary>
        public bool MemoryFaultInfo { get; init; } = true;
        /// <summary>Linux 6.18.0 accepted dropping GUEST_MEMFD from an existing slot; 6.19 and patched stables refuse.</summary>
        public bool AcceptGuestMemfdToggle { get; init; }
        /// <summary>
        /// Upstream x86 (§2.9): a slot bound to an MMAP guest_memfd (GMEM_ONLY) takes guest faults from the file.
        /// This machine's kvm_pvm module does not: its vCPUs reach memory only through userspace_addr (measured).
        /// </summary>
        public bool GmemOnlySlotsFaultFromFile { get; init; } = true;
        /// <summary>
        /// What a vCPU gets when userspace_addr has nothing behind it — nothing mapped, or a page the host may not fault
        /// (a guest_memfd page that is not shared): upstream's KVM_RUN EFAULT, or (kvm_pvm, long mode) KVM_EXIT_MMIO (measured).
        /// </summary>
        public bool UnmappedUserspaceAddrExitsAsMmio { get; init; }
        /// <summary>
        /// Memslot address spaces (kvm_arch_nr_memslot_as_ids): 2 with CONFIG_KVM_SMM, 1 without — this machine's kernel
        /// answers KVM_CAP_MULTI_ADDRESS_SPACE with 0 and refuses slot 0x10000 (measured).
        /// </summary>
        public int AddressSpaces { get; init; } = 2;
        /// <summary>
        /// kvm_mmu_max_gfn: a slot must end at or below 2^this many bytes of gpa — 52 under shadow paging (this machine,
        /// measured: a slot ending at 2^52 is accepted, one past it refused), the host's MAXPHYADDR under TDP.
        /// </summary>
        public int MmuMaxGpaBits { get; init; } = 52;
        /// <summary>
        /// The largest mapping heuristic overcommit charges without refusing (MAP_PRIVATE writable, or shared anonymous):
        /// RAM plus swap. A measured bound for the machines GmemPS runs on (1 TiB is refused on a 24 GiB host); the
        /// simulator takes 64 GiB so that sizes between a real machine's RAM and 1 TiB are not what it is judged on.
        /// </summary>
        public ulong CommitLimit { get; init; } = 64UL << 30;
        /// <summary>
        /// The vCPU's MAXPHYADDR: a guest access cannot name a gpa at or above 2^this (the contract refuses it). Default:
        /// this machine's 48 bits (KVM_GET_SUPPORTED_CPUID, measured), which the Kvm backend reads from the kernel itself.
        /// </summary>
        public int GuestPhysicalAddressBits { get; init; } = 48;
        public string Name { get; init; } = "Upstream";

        /// <summary>Upstream Linux 6.18 on x86 with TDP: the semantics of kernel-semantics.md.</summary>
        public static readonly SimulatorProfile Upstream = new SimulatorProfile();

        /// <summary>This machine: Linux 6.18 with KVM from kvm_pvm (shadow paging), as measured in kernel-facts.md and by the Kvm tests.</summary>
        public static readonly SimulatorProfile ThisHost = new SimulatorProfile
        {
            Name = "ThisHost",
            GmemOnlySlotsFaultFromFile = false,
            UnmappedUserspaceAddrExitsAsMmio = true,
            AddressSpaces = 1,
        };

        /// <summary>A host with KVM_X86_SW_PROTECTED_VM and KVM_MEMORY_ATTRIBUTE_PRIVATE (a CONFIG_KVM_SW_PROTECTED_VM kernel).</summary>
        public static readonly SimulatorProfile SwProtected = Upstream with
        {
            Name = "SwProtected",
            VmTypes = (1UL << (int)VmType.Default) | (1UL << (int)VmType.SwProtected),
            MemoryAttributes = MemoryAttributes.Private,
        };

        public static IReadOnlyList<SimulatorProfile> All { get; } = new[] { ThisHost, Upstream, SwProtected };

        public static SimulatorProfile Named(string? name)
        {
            if (string.IsNullOrEmpty(name)) return ThisHost;
            foreach (var p in All)
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
            throw new ArgumentException($"No simulator profile '{name}'. Known: {string.Join(", ", KnownNames())}.", nameof(name));
        }

        private static IEnumerable<string> KnownNames()
        {
            foreach (var p in All) yield return p.Name;
        }
    }
}
