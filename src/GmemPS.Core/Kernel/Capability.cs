namespace GmemPS.Kernel
{
    /// <summary>KVM_CAP_* numbers from include/uapi/linux/kvm.h, the argument of KVM_CHECK_EXTENSION.</summary>
    public enum Capability
    {
        NrMemslots = 10,
        ReadonlyMem = 81,
        MultiAddressSpace = 118,
        ExitHypercall = 201,
        UserMemory2 = 231,
        MemoryFaultInfo = 232,
        MemoryAttributes = 233,
        GuestMemfd = 234,
        VmTypes = 235,
        PreFaultMemory = 236,
        GuestMemfdFlags = 244,
    }

    /// <summary>x86 VM types (the argument of KVM_CREATE_VM).</summary>
    public enum VmType : ulong
    {
        Default = 0,
        SwProtected = 1,
        Sev = 2,
        SevEs = 3,
        Snp = 4,
        Tdx = 5,
    }
}

namespace GmemPS.Kernel
{
    public static class CapabilityNames
    {
        /// <summary>The uapi spelling without the KVM_CAP_ prefix, e.g. GUEST_MEMFD_FLAGS.</summary>
        public static string Of(Capability capability)
        {
            string name = capability.ToString();
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool boundary = i > 0 && char.IsUpper(c) && !char.IsDigit(name[i - 1]);
                if (boundary) sb.Append('_');
                sb.Append(char.ToUpperInvariant(c));
            }
            return sb.ToString();
        }
    }
}
