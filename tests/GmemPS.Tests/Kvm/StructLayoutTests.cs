using GmemPS.Kvm.Native;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>The size encoded in each ioctl number is what the kernel copies: our structs must match it.</summary>
    public unsafe class StructLayoutTests
    {
        [Fact]
        public void Struct_sizes_match_the_ioctl_numbers()
        {
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_CREATE_GUEST_MEMFD), sizeof(KvmCreateGuestMemfd));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_SET_USER_MEMORY_REGION2), sizeof(KvmUserspaceMemoryRegion2));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_SET_MEMORY_ATTRIBUTES), sizeof(KvmMemoryAttributes));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_GET_REGS), sizeof(KvmRegs));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_SET_REGS), sizeof(KvmRegs));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_GET_SREGS), sizeof(KvmSregs));
            Assert.Equal(KvmIoctls.SizeOf(KvmIoctls.KVM_SET_SREGS), sizeof(KvmSregs));
            Assert.Equal(24, sizeof(KvmSegment));
            Assert.Equal(40, sizeof(KvmCpuidEntry2));
        }

        [Fact]
        public void Sregs_fields_sit_at_the_uapi_offsets()
        {
            KvmSregs s = default;
            byte* start = (byte*)&s;
            Assert.Equal(192, (int)((byte*)&s.Gdt - start));
            Assert.Equal(224, (int)((byte*)&s.Cr0 - start));
            Assert.Equal(264, (int)((byte*)&s.Efer - start));
        }
    }
}
