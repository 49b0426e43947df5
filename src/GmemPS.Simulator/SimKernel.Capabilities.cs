using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // KVM_CHECK_EXTENSION (§2.8): /dev/kvm answers with kvm = NULL, a VM fd for its own type.
    internal sealed partial class SimKernel
    {
        public long CheckExtension(Capability capability, SimKvm? kvm)
        {
            switch (capability)
            {
                case Capability.UserMemory2:
                case Capability.GuestMemfd:
                case Capability.ReadonlyMem:
                    return 1;
                case Capability.MemoryFaultInfo:
                    return Profile.MemoryFaultInfo ? 1 : 0;
                case Capability.NrMemslots:
                    return KvmLimits.UserMemSlots;
                case Capability.MultiAddressSpace:
                    // Only a kernel with more than one address space (CONFIG_KVM_SMM) has the capability at all.
                    return Profile.AddressSpaces > 1 ? Profile.AddressSpaces : 0;
                case Capability.ExitHypercall:
                    // KVM_EXIT_HYPERCALL_VALID_MASK: the hypercalls userspace may take, 1 << KVM_HC_MAP_GPA_RANGE (measured: 4096).
                    return 1L << 12;
                case Capability.VmTypes:
                    return (long)Profile.VmTypes;
                case Capability.GuestMemfdFlags:
                    return (long)SupportedGmemFlags(kvm);
                case Capability.MemoryAttributes:
                    return (long)SupportedAttributes(kvm);
                default:
                    return 0;
            }
        }

        /// <summary>kvm_gmem_get_supported_flags: MMAP always; INIT_SHARED unless the VM has private memory (x86).</summary>
        private GuestMemfdFlags SupportedGmemFlags(SimKvm? kvm)
        {
            var flags = Profile.GuestMemfdFlags;
            // Seed B's designs convert in place, so a private-capable VM may start a file shared.
            if (kvm != null && kvm.HasPrivateMemory && kvm.Designs.ConversionModel == GmemPS.Designs.ConversionModel.VmAttributes)
                flags &= ~GuestMemfdFlags.InitShared;
            return flags;
        }

        /// <summary>kvm_supported_mem_attributes: PRIVATE when !kvm or the VM has private memory.</summary>
        private MemoryAttributes SupportedAttributes(SimKvm? kvm) =>
            kvm == null || kvm.HasPrivateMemory ? Profile.MemoryAttributes : MemoryAttributes.None;
    }
}
