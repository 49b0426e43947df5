namespace GmemPS.Kvm.Native
{
    /// <summary>
    /// ioctl request numbers, each _IOC(dir, KVMIO = 0xAE, nr, size) with dir 1 = write, 2 = read.
    /// The size part is checked against the struct layouts in <c>Structs.cs</c> by a test.
    /// </summary>
    internal static class KvmIoctls
    {
        // On /dev/kvm
        public const uint KVM_CREATE_VM = 0xAE01;               // _IO(KVMIO, 0x01)
        public const uint KVM_CHECK_EXTENSION = 0xAE03;         // _IO(KVMIO, 0x03), also on a VM fd
        public const uint KVM_GET_VCPU_MMAP_SIZE = 0xAE04;      // _IO(KVMIO, 0x04)
        public const uint KVM_GET_SUPPORTED_CPUID = 0xC008AE05; // _IOWR(KVMIO, 0x05, struct kvm_cpuid2 /* 8B header */)

        // On a VM fd
        public const uint KVM_CREATE_VCPU = 0xAE41;             // _IO(KVMIO, 0x41)
        public const uint KVM_SET_USER_MEMORY_REGION2 = 0x40A0AE49; // _IOW(KVMIO, 0x49, 160B)
        public const uint KVM_SET_MEMORY_ATTRIBUTES = 0x4020AED2;   // _IOW(KVMIO, 0xd2, 32B)
        public const uint KVM_CREATE_GUEST_MEMFD = 0xC040AED4;      // _IOWR(KVMIO, 0xd4, 64B)

        // On a vCPU fd
        public const uint KVM_RUN = 0xAE80;                     // _IO(KVMIO, 0x80)
        public const uint KVM_GET_REGS = 0x8090AE81;            // _IOR(KVMIO, 0x81, struct kvm_regs /* 144B */)
        public const uint KVM_SET_REGS = 0x4090AE82;            // _IOW(KVMIO, 0x82, 144B)
        public const uint KVM_GET_SREGS = 0x8138AE83;           // _IOR(KVMIO, 0x83, struct kvm_sregs /* 312B */)
        public const uint KVM_SET_SREGS = 0x4138AE84;           // _IOW(KVMIO, 0x84, 312B)
        public const uint KVM_SET_CPUID2 = 0x4008AE90;          // _IOW(KVMIO, 0x90, struct kvm_cpuid2 /* 8B header */)

        /// <summary>The size field (bits 16..29) of an encoded request: what the kernel copies.</summary>
        public static int SizeOf(uint request) => (int)((request >> 16) & 0x3FFF);
    }
}
