using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "Lifetime and layout"; kernel-semantics §3 scenarios A–E; selftest rows 72–73 (§5.3).
    public abstract partial class ConformanceSuite
    {
        [Fact]
        public void Closing_the_vm_fd_leaves_its_file_fully_usable()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB, Shared);
            Ok(() => vm.Close());
            Ok(() => file.Fallocate(FallocateRequest.Allocate(0, (long)TwoMiB)));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(0, (long)TwoMiB)));
            var map = Own(Ok(() => file.Map(new MapRequest(0, (long)TwoMiB))));
            map.Write(0, new byte[] { 0x5a });
            Assert.Equal(0x5a, map.Read(0, 1)[0]);
        }

        [Fact]
        public void Selftest_rows_72_73_punch_and_allocate_after_the_vm_is_gone()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB);
            vm.SetUserMemoryRegion2(GmemSlot(10, 1UL << 32, TwoMiB, file));
            Ok(() => vm.Close());
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(0, (long)TwoMiB)));
            Ok(() => file.Fallocate(FallocateRequest.Allocate(0, (long)TwoMiB)));
            Ok(() => file.Close());
        }

        [Fact]
        public void A_closed_bound_file_leaves_a_slot_that_deletes_and_rebinds()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB);
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            Ok(() => file.Close());
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file) with { GuestMemfd = 999 }));
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            var next = NewGmem(vm, TwoMiB);
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, next)));
        }

        [Fact]
        public void Closing_the_same_handle_twice_is_EBADF()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB);
            file.Close();
            Refused(Errno.EBADF, () => file.Close());
            vm.Close();
            Refused(Errno.EBADF, () => vm.Close());
            Refused(Errno.EBADF, () => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
        }

        [Fact]
        public void Data_persists_in_the_file_across_slot_delete_and_rebind()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB, Shared);
            var map = Own(file.Map(new MapRequest(0, (long)TwoMiB)));
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            map.Write(0x3000, new byte[] { 1, 2, 3 });
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 1UL << 30, TwoMiB, file)));
            Assert.Equal(new byte[] { 1, 2, 3 }, map.Read(0x3000, 3));
        }
    }
}
