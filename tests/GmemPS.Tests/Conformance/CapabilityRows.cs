using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "Capabilities" and kernel-semantics §2.8.
    public abstract partial class ConformanceSuite
    {
        /// <summary>True where the backend stands for this machine's kernel, whose answers kernel-facts.md records.</summary>
        protected virtual bool IsThisMachinesKernel => true;

        [Theory]
        [InlineData(Capability.UserMemory2, 1)]
        [InlineData(Capability.MemoryFaultInfo, 1)]
        [InlineData(Capability.MemoryAttributes, 0)]
        [InlineData(Capability.GuestMemfd, 1)]
        [InlineData(Capability.VmTypes, 1)]
        [InlineData(Capability.PreFaultMemory, 0)]
        [InlineData(Capability.GuestMemfdFlags, 3)]
        public void Host_capabilities_match_kernel_facts(Capability capability, long expected)
        {
            if (!IsThisMachinesKernel) Assert.Skip("kernel-facts.md describes this machine's kernel, not this simulated profile");
            Assert.Equal(expected, Host.CheckExtension(capability));
            var vm = NewVm();
            Assert.Equal(expected, vm.CheckExtension(capability));
        }

        [Fact]
        public void Vm_types_beyond_the_cap_are_refused_with_EINVAL()
        {
            long types = Host.CheckExtension(Capability.VmTypes);
            for (ulong type = 1; type <= 5; type++)
                if ((types & (1L << (int)type)) == 0)
                    Refused(Errno.EINVAL, () => NewVm(type));
        }

        [Fact]
        public void Private_vm_types_offer_mmap_but_not_init_shared()
        {
            RequireVmType(VmType.SwProtected);
            var vm = NewVm((ulong)VmType.SwProtected);
            Assert.Equal((long)GuestMemfdFlags.Mmap, vm.CheckExtension(Capability.GuestMemfdFlags));
            Assert.Equal((long)MemoryAttributes.Private, vm.CheckExtension(Capability.MemoryAttributes));
            Refused(Errno.EINVAL, () => NewGmem(vm, 4096, GuestMemfdFlags.InitShared | GuestMemfdFlags.Mmap));
        }
    }
}
