using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // What the guest sees: host↔guest data through one guest_memfd, punch, the PCI-hole split, close
    // orderings, and the selftest guest test (§5.1 rows 38–41).
    public abstract partial class ConformanceSuite
    {
        private const ulong FourGiB = 1UL << 32;

        private (IGmemVm Vm, IGuestMemfd File, IHostMapping Map) SharedSlotAt(ulong gpa, ulong size = TwoMiB)
        {
            var vm = NewVm();
            var file = NewGmem(vm, size, Shared);
            var map = Own(file.Map(new MapRequest(0, (long)size)));
            vm.SetUserMemoryRegion2(GmemSlot(0, gpa, size, file));
            return (vm, file, map);
        }

        private static void AssertRead(GuestAccessResult result, params byte[] expected)
        {
            Assert.True(result.Completed, $"guest read did not complete: {result}");
            Assert.Equal(expected, result.Data);
        }

        [Theory]
        [InlineData(0UL)]
        [InlineData(FourGiB)]
        public void Host_writes_and_the_guest_reads_them(ulong gpa)
        {
            var (vm, _, map) = SharedSlotAt(gpa);
            map.Write(0x2000, new byte[] { 0xde, 0xad, 0xbe, 0xef });
            AssertRead(vm.GuestRead(gpa + 0x2000, 4), 0xde, 0xad, 0xbe, 0xef);
        }

        [Theory]
        [InlineData(0UL)]
        [InlineData(FourGiB)]
        public void The_guest_writes_and_the_host_reads_them(ulong gpa)
        {
            var (vm, _, map) = SharedSlotAt(gpa);
            var result = vm.GuestWrite(gpa + 0x2000, new byte[] { 0x42 });
            Assert.True(result.Completed, result.ToString());
            Assert.Equal(0x42, map.Read(0x2000, 1)[0]);
        }

        [Fact]
        public void A_punched_page_reads_zero_for_host_and_guest()
        {
            var (vm, file, map) = SharedSlotAt(0);
            map.Write(0x1000, new byte[] { 9, 9 });
            vm.GuestWrite(0x5000, new byte[] { 8 });
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(0, 8 * Page)));
            Assert.Equal(new byte[] { 0, 0 }, map.Read(0x1000, 2));
            AssertRead(vm.GuestRead(0x1000, 2), 0, 0);
            AssertRead(vm.GuestRead(0x5000, 1), 0);
        }

        [Fact]
        public void A_file_split_across_the_pci_hole_maps_both_halves()
        {
            var vm = NewVm();
            var file = NewGmem(vm, 2 * TwoMiB, Shared);
            var map = Own(file.Map(new MapRequest(0, (long)(2 * TwoMiB))));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file, 0)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, FourGiB, TwoMiB, file, TwoMiB)));
            map.Write(0x1000, new byte[] { 0x11 });
            map.Write((long)TwoMiB + 0x1000, new byte[] { 0x22 });
            AssertRead(vm.GuestRead(0x1000, 1), 0x11);
            AssertRead(vm.GuestRead(FourGiB + 0x1000, 1), 0x22);
            Assert.Equal(ExitReason.Mmio, vm.GuestRead(TwoMiB + 0x1000, 1).Exit);
        }

        [Fact]
        public void An_unbacked_gpa_exits_to_mmio()
        {
            var (vm, _, _) = SharedSlotAt(0);
            var result = vm.GuestRead(0x10000000, 4);
            Assert.Equal(ExitReason.Mmio, result.Exit);
            Assert.Equal(0x10000000UL, result.ExitGpa);
        }

        [Fact]
        public void Selftest_guest_test_rows_38_to_41()
        {
            var vm = NewVm();
            long flags = vm.CheckExtension(Capability.GuestMemfdFlags);
            Assert.Equal((long)Shared, flags & (long)Shared);
            var file = NewGmem(vm, UPage, Shared);
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, FourGiB, UPage, file)));
            using (var map = file.Map(new MapRequest(0, Page))) map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            AssertRead(vm.GuestRead(FourGiB, (int)Page), Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            Assert.True(vm.GuestWrite(FourGiB, Enumerable.Repeat((byte)0xff, (int)Page).ToArray()).Completed);
            using (var map = file.Map(new MapRequest(0, Page))) Assert.All(map.Read(0, (int)Page), b => Assert.Equal(0xff, b));
        }

        [Fact]
        public void Close_ordering_vm_handle_first_keeps_the_data()
        {
            var (vm, file, map) = SharedSlotAt(0);
            vm.GuestWrite(0x3000, new byte[] { 0x33 });
            Ok(() => vm.Close());
            Assert.Equal(0x33, map.Read(0x3000, 1)[0]);
            Ok(() => file.Close());
            Assert.Equal(0x33, map.Read(0x3000, 1)[0]); // the mapping still pins the file
        }

        [Fact]
        public void Close_ordering_file_first_then_the_slot_is_deleted()
        {
            var vm = NewVm();
            var file = NewGmem(vm, TwoMiB, Shared);
            vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file));
            Assert.True(vm.GuestWrite(0x1000, new byte[] { 1 }).Completed);
            Ok(() => file.Close());
            var after = vm.GuestRead(0x1000, 1);
            Assert.Equal(ExitReason.MemoryFault, after.Exit);
            Assert.Equal(Errno.EFAULT, after.RunErrno);
            Assert.Equal(0x1000UL, after.ExitGpa);
            Assert.Equal(UPage, after.FaultSize);
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            Assert.Equal(ExitReason.Mmio, vm.GuestRead(0x1000, 1).Exit);
        }
    }
}
