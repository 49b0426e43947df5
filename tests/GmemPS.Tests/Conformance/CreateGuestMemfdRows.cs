using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "KVM_CREATE_GUEST_MEMFD"; selftest rows 1–5 (§5.1).
    public abstract partial class ConformanceSuite
    {
        [Theory]
        [InlineData(0UL)]
        [InlineData(4097UL)]
        [InlineData(1UL)]
        [InlineData(4095UL)]
        [InlineData(1UL << 63)]
        public void Bad_sizes_are_EINVAL(ulong size)
        {
            var vm = NewVm();
            Refused(Errno.EINVAL, () => NewGmem(vm, size));
        }

        [Fact]
        public void A_page_sized_file_reports_its_size_and_flags()
        {
            var vm = NewVm();
            var file = Ok(() => NewGmem(vm, 4096));
            Assert.True(file.Fd >= 0);
            Assert.Equal(4096, file.Size);
            Assert.Equal(GuestMemfdFlags.None, file.Flags);
        }

        [Fact]
        public void Reserved_words_are_not_checked()
        {
            var vm = NewVm();
            var file = Ok(() => Own(vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4096, GuestMemfdFlags.None, Reserved0: 0xdead))));
            Assert.Equal(4096, file.Size);
        }

        [Fact]
        public void Every_single_flag_bit_is_accepted_exactly_when_the_capability_lists_it()
        {
            var vm = NewVm();
            long supported = vm.CheckExtension(Capability.GuestMemfdFlags);
            for (int bit = 0; bit < 64; bit++)
            {
                var flags = (GuestMemfdFlags)(1UL << bit);
                if ((supported & (1L << bit)) != 0) Ok(() => NewGmem(vm, 4096, flags));
                else Refused(Errno.EINVAL, () => NewGmem(vm, 4096, flags));
            }
        }

        [Theory]
        [InlineData(GuestMemfdFlags.Mmap)]
        [InlineData(GuestMemfdFlags.InitShared)]
        [InlineData(GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)]
        public void Flag_mixes_the_host_supports_are_accepted(GuestMemfdFlags flags)
        {
            var vm = NewVm();
            if ((vm.CheckExtension(Capability.GuestMemfdFlags) & (long)flags) != (long)flags)
                Assert.Skip($"{Host.BackendName}: GUEST_MEMFD_FLAGS lacks {flags}");
            Assert.Equal(flags, Ok(() => NewGmem(vm, 4096, flags)).Flags);
        }

        [Fact]
        public void Two_files_have_their_own_sizes_and_descriptors()
        {
            var vm = NewVm();
            var one = NewGmem(vm, 4096);
            var two = NewGmem(vm, 8192);
            Assert.Equal(4096, one.Size);
            Assert.Equal(8192, two.Size);
            Assert.NotEqual(one.Fd, two.Fd);
        }

        [Theory]
        [InlineData(1UL << 40)]
        [InlineData(1UL << 62)]
        public void Huge_files_cost_nothing_up_front(ulong size)
        {
            var vm = NewVm();
            Assert.Equal((long)size, Ok(() => NewGmem(vm, size)).Size);
        }

        [Fact]
        public void A_closed_vm_cannot_create_files()
        {
            var vm = NewVm();
            vm.Close();
            Refused(Errno.EBADF, () => vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4096, GuestMemfdFlags.None)));
        }
    }
}
