using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "KVM_SET_USER_MEMORY_REGION2"; selftest rows 42–58 (§5.2) and the gaps of §5.5.
    public abstract partial class ConformanceSuite
    {
        private (IGmemVm Vm, IGuestMemfd File) VmWithFile(ulong size = TwoMiB, GuestMemfdFlags flags = GuestMemfdFlags.None)
        {
            var vm = NewVm();
            return (vm, NewGmem(vm, size, flags));
        }

        [Fact]
        public void Binding_slot_0_over_a_whole_file_succeeds()
        {
            var (vm, file) = VmWithFile();
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file)));
        }

        [Fact]
        public void One_file_range_binds_to_one_slot_only()
        {
            var (vm, file) = VmWithFile();
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(1, 1UL << 32, TwoMiB, file)));
        }

        [Fact]
        public void A_gpa_overlap_is_EEXIST_before_the_fd_is_looked_at()
        {
            var (vm, file) = VmWithFile(4 * TwoMiB);
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            // The fd is not even open: EEXIST still wins, because the overlap check runs first.
            Refused(Errno.EEXIST, () => vm.SetUserMemoryRegion2(new UserMemoryRegion2(1, MemslotFlags.GuestMemfd, UPage, TwoMiB, 0, TwoMiB, 999)));
            Refused(Errno.EEXIST, () => vm.SetUserMemoryRegion2(GmemSlot(1, TwoMiB - UPage, TwoMiB, file, TwoMiB)));
        }

        [Fact]
        public void Misaligned_offset_is_EINVAL()
        {
            var (vm, file) = VmWithFile();
            for (ulong offset = 1; offset < UPage; offset += 511)
                Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, UPage, file, offset)));
        }

        [Fact]
        public void A_range_past_the_end_of_the_file_is_EINVAL()
        {
            var (vm, file) = VmWithFile();
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file, UPage)));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, 2 * TwoMiB, file)));
        }

        [Fact]
        public void An_offset_with_bit_63_is_EINVAL()
        {
            var (vm, file) = VmWithFile();
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, UPage, file, 1UL << 63)));
        }

        [Fact]
        public void A_descriptor_that_is_not_open_is_EBADF()
        {
            var (vm, _) = VmWithFile();
            Refused(Errno.EBADF, () => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, UPage, 0, 0, 999)));
            Refused(Errno.EBADF, () => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, UPage, 0, 0, uint.MaxValue)));
        }

        [Fact]
        public void Descriptors_that_are_not_guest_memfd_are_EINVAL()
        {
            var (vm, _) = VmWithFile();
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, UPage, 0, 0, (uint)Host.Fd)));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, UPage, 0, 0, (uint)vm.Fd)));
        }

        [Fact]
        public void A_file_of_another_vm_is_EINVAL_while_that_vm_may_bind_it()
        {
            var vm1 = NewVm();
            var vm2 = NewVm();
            var file2 = NewGmem(vm2, TwoMiB);
            Refused(Errno.EINVAL, () => vm1.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file2)));
            Ok(() => vm2.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file2)));
        }

        [Theory]
        [InlineData(1UL, 0UL, 0UL)]       // gpa
        [InlineData(0UL, 1UL, 0UL)]       // size
        [InlineData(0UL, 0UL, 1UL)]       // userspace_addr
        public void Unaligned_gpa_size_or_userspace_addr_is_EINVAL(ulong gpaDelta, ulong sizeDelta, ulong hvaDelta)
        {
            var (vm, file) = VmWithFile();
            var r = GmemSlot(0, gpaDelta, UPage + sizeDelta, file) with { UserspaceAddr = hvaDelta };
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(r));
        }

        [Fact]
        public void Slot_ids_stop_at_32763()
        {
            var (vm, file) = VmWithFile();
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(KvmLimits.UserMemSlots, 0, UPage, file)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(KvmLimits.UserMemSlots - 1, 0, UPage, file)));
        }

        [Theory]
        [InlineData(MemslotFlags.GuestMemfd | MemslotFlags.ReadOnly)]
        [InlineData(MemslotFlags.GuestMemfd | MemslotFlags.LogDirtyPages)]
        [InlineData(MemslotFlags.GuestMemfd | (MemslotFlags)(1u << 3))]
        [InlineData((MemslotFlags)(1u << 3))]
        [InlineData((MemslotFlags)(1u << 16))]
        public void Invalid_flag_combinations_are_EINVAL(MemslotFlags flags)
        {
            var (vm, file) = VmWithFile();
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file) with { Flags = flags }));
        }

        [Fact]
        public void A_guest_memfd_slot_can_only_be_deleted()
        {
            var (vm, file) = VmWithFile(2 * TwoMiB);
            var slot = GmemSlot(0, 0, TwoMiB, file);
            vm.SetUserMemoryRegion2(slot);
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(slot with { GuestPhysAddr = 1UL << 32 }));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(slot with { GuestMemfdOffset = TwoMiB }));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(slot));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(slot with { Flags = MemslotFlags.None }));
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
        }

        [Fact]
        public void Deleting_twice_is_EINVAL_and_the_range_binds_again()
        {
            var (vm, file) = VmWithFile();
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            Refused(Errno.EINVAL, () => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file)));
        }

        [Fact]
        public void One_file_backs_two_slots_when_the_file_ranges_are_disjoint()
        {
            var (vm, file) = VmWithFile(2 * TwoMiB);
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file, 0)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, 1UL << 32, TwoMiB, file, TwoMiB)));
        }

        [Fact]
        public void A_guest_memfd_slot_may_carry_a_userspace_addr()
        {
            var (vm, file) = VmWithFile();
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file, userspaceAddr: 0x7f0000000000UL)));
        }

        [Fact]
        public void Selftest_overlapping_slots_rows_53_to_56()
        {
            const ulong gpa = 0xc0000000UL;
            const ulong fourMiB = 4UL << 20;
            var (vm, file) = VmWithFile(2 * fourMiB);
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(10, gpa, fourMiB, file, 0)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(11, 2 * gpa, fourMiB, file, fourMiB)));
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(10)));
            Refused(Errno.EEXIST, () => vm.SetUserMemoryRegion2(GmemSlot(10, 2 * gpa - TwoMiB, fourMiB, file, 0)));
            Refused(Errno.EEXIST, () => vm.SetUserMemoryRegion2(GmemSlot(10, 2 * gpa + TwoMiB, fourMiB, file, 0)));
        }

        [Fact]
        public void Selftest_row_52_slot_10_at_3GiB_without_userspace_addr()
        {
            var (vm, file) = VmWithFile();
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(10, 0xc0000000UL, TwoMiB, file)));
        }
    }
}
