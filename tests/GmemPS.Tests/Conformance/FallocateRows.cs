using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "fallocate on a guest_memfd"; selftest rows 27–37 (§5.1).
    public abstract partial class ConformanceSuite
    {
        private const long Total = 4 * Page; // the selftests' 4-page file

        private IGuestMemfd FourPageFile() => NewGmem(NewVm(), (ulong)Total);

        [Fact]
        public void Mode_0_and_punch_without_keep_size_are_EOPNOTSUPP()
        {
            var file = FourPageFile();
            Refused(Errno.EOPNOTSUPP, () => file.Fallocate(new FallocateRequest(FallocateMode.Allocate, 0, Page)));
            Refused(Errno.EOPNOTSUPP, () => file.Fallocate(new FallocateRequest(FallocateMode.PunchHole, 0, Page)));
        }

        [Theory]
        [InlineData(FallocateMode.ZeroRange)]
        [InlineData(FallocateMode.ZeroRange | FallocateMode.KeepSize)]
        [InlineData(FallocateMode.CollapseRange)]
        [InlineData(FallocateMode.InsertRange)]
        public void Other_modes_are_EOPNOTSUPP(FallocateMode mode)
        {
            var file = FourPageFile();
            Refused(Errno.EOPNOTSUPP, () => file.Fallocate(new FallocateRequest(mode, 0, Page)));
        }

        [Fact]
        public void Selftest_file_size_and_fallocate_rows_27_to_36()
        {
            var file = FourPageFile();
            Assert.Equal(Total, file.Size);
            Ok(() => file.Fallocate(FallocateRequest.Allocate(0, Total)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.PunchHole(Page - 1, Page)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.Allocate(Total, Page)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.Allocate(Total + Page, Page)));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(Total, Page)));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(Total + Page, Page)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.PunchHole(Page, Page - 1)));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(Page, Page)));
            Ok(() => file.Fallocate(FallocateRequest.Allocate(Page, Page)));
        }

        public static TheoryData<long, long> InvalidPunchHoles => new TheoryData<long, long>
        {
            { 0, 1 }, { 0, Page - 1 }, { 0, Page + 1 }, { 1, 1 }, { 1, Page - 1 },
            { 1, Page }, { 1, Page + 1 }, { Page, 1 }, { Page, Page - 1 }, { Page, Page + 1 },
        };

        [Theory]
        [MemberData(nameof(InvalidPunchHoles))]
        public void Selftest_invalid_punch_hole_row_37(long offset, long length)
        {
            var file = FourPageFile();
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.PunchHole(offset, length)));
        }

        [Fact]
        public void Length_0_or_a_negative_offset_is_EINVAL()
        {
            var file = FourPageFile();
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.Allocate(0, 0)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.PunchHole(0, 0)));
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.Allocate(-Page, Page)));
        }

        [Fact]
        public void Allocating_across_the_end_is_EINVAL()
        {
            var file = FourPageFile();
            Refused(Errno.EINVAL, () => file.Fallocate(FallocateRequest.Allocate(3 * Page, 2 * Page)));
        }

        [Fact]
        public void A_bound_file_punches_fine()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB);
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            Ok(() => file.Fallocate(FallocateRequest.Allocate(0, (long)TwoMiB)));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(Page, Page)));
        }

        [Fact]
        public void Fallocate_on_a_closed_file_is_EBADF()
        {
            var file = FourPageFile();
            file.Close();
            Refused(Errno.EBADF, () => file.Fallocate(FallocateRequest.Allocate(0, Page)));
        }
    }
}
