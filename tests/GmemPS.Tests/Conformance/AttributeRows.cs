using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // KVM_SET_MEMORY_ATTRIBUTES (§2.7, §5.5) and the private_mem_kvm_exits selftest (§5.4 rows 74–75).
    public abstract partial class ConformanceSuite
    {
        [Fact]
        public void Attributes_on_a_default_vm()
        {
            var vm = NewVm();
            var makePrivate = new MemoryAttributesRequest(0, UPage, MemoryAttributes.Private);
            if (Host.CheckExtension(Capability.MemoryAttributes) == 0)
            {
                // This machine: the ioctl does not exist at all.
                Refused(Errno.ENOTTY, () => vm.SetMemoryAttributes(makePrivate));
                Refused(Errno.ENOTTY, () => vm.SetMemoryAttributes(makePrivate with { Attributes = MemoryAttributes.None }));
                return;
            }
            Refused(Errno.EINVAL, () => vm.SetMemoryAttributes(makePrivate));
            Ok(() => vm.SetMemoryAttributes(makePrivate with { Attributes = MemoryAttributes.None }));
            Refused(Errno.EINVAL, () => vm.SetMemoryAttributes(new MemoryAttributesRequest(0, UPage, MemoryAttributes.None, Flags: 1)));
            Refused(Errno.EINVAL, () => vm.SetMemoryAttributes(new MemoryAttributesRequest(0, 0, MemoryAttributes.None)));
        }

        private IGmemVm SwProtectedVm()
        {
            RequireCapability(null, Capability.MemoryAttributes, (long)MemoryAttributes.Private);
            RequireVmType(VmType.SwProtected);
            return NewVm((ulong)VmType.SwProtected);
        }

        [Fact]
        public void Selftest_row_74_a_private_gpa_whose_slot_was_deleted_faults_private()
        {
            const ulong gpa = 0xc0000000UL;
            var vm = SwProtectedVm();
            var file = NewGmem(vm, UPage);
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(10, gpa, UPage, file)));
            Ok(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(gpa, UPage, MemoryAttributes.Private)));
            Assert.True(vm.GuestRead(gpa, 8).Completed);
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(10)));
            var fault = vm.GuestRead(gpa, 8);
            Assert.Equal(ExitReason.MemoryFault, fault.Exit);
            Assert.Equal(Errno.EFAULT, fault.RunErrno);
            Assert.Equal(MemoryFaultFlags.Private, fault.FaultFlags);
            Assert.Equal(gpa, fault.ExitGpa);
            Assert.Equal(UPage, fault.FaultSize);
        }

        [Fact]
        public void Selftest_row_75_a_private_gpa_in_a_slot_without_guest_memfd_faults_private()
        {
            const ulong gpa = 0xc0000000UL;
            var vm = SwProtectedVm();
            var backing = Own(Host.MapAnonymous(Page));
            Ok(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(10, MemslotFlags.None, gpa, UPage, backing.Address, 0, 0)));
            Ok(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(gpa, UPage, MemoryAttributes.Private)));
            var fault = vm.GuestRead(gpa, 8);
            Assert.Equal(ExitReason.MemoryFault, fault.Exit);
            Assert.Equal(Errno.EFAULT, fault.RunErrno);
            Assert.Equal(MemoryFaultFlags.Private, fault.FaultFlags);
            Assert.Equal(gpa, fault.ExitGpa);
        }

        [Fact]
        public void Selftest_rows_60_to_65_private_writes_stay_out_of_the_shared_backing()
        {
            const ulong gpa = 1UL << 32;
            var vm = SwProtectedVm();
            var file = NewGmem(vm, TwoMiB);
            var shared = Own(Host.MapAnonymous((long)TwoMiB));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(10, gpa, TwoMiB, file, userspaceAddr: shared.Address)));
            Assert.True(vm.GuestWrite(gpa, new byte[] { 0x11 }).Completed);            // p1, shared
            Assert.Equal(0x11, shared.Read(0, 1)[0]);
            Ok(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(gpa, UPage, MemoryAttributes.Private)));
            Assert.True(vm.GuestWrite(gpa, new byte[] { 0x22 }).Completed);            // p2, private
            Assert.Equal(0x11, shared.Read(0, 1)[0]);                                  // the host still sees p1
            Assert.Equal(new byte[] { 0x22 }, vm.GuestRead(gpa, 1).Data);
            Ok(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(gpa, UPage, MemoryAttributes.None)));
            Assert.Equal(new byte[] { 0x11 }, vm.GuestRead(gpa, 1).Data);             // shared data preserved
            Ok(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(gpa, UPage, MemoryAttributes.Private)));
            Assert.Equal(new byte[] { 0x22 }, vm.GuestRead(gpa, 1).Data);             // private data preserved
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(0, (long)TwoMiB)));
            Assert.Equal(new byte[] { 0 }, vm.GuestRead(gpa, 1).Data);                // row 70: punched → zeros
        }
    }
}
