using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // What the guest sees: host↔guest data through one guest_memfd, punch, the PCI-hole split, close
    // orderings, and the selftest guest test (§5.1 rows 38–41). Slots carry the file's host mapping as
    // userspace_addr, as VMMs do, so the guest reaches the file on every kernel: upstream faults a GMEM_ONLY
    // slot from the file itself, while this machine's kvm_pvm only ever uses userspace_addr (measured).
    public abstract partial class ConformanceSuite
    {
        private const ulong FourGiB = 1UL << 32;

        /// <summary>Whether a slot bound to an MMAP guest_memfd takes guest faults from the file (upstream x86)
        /// rather than through userspace_addr (this machine's kvm_pvm).</summary>
        protected virtual bool GmemOnlySlotsFaultFromFile => false;

        private (IGmemVm Vm, IGuestMemfd File, IHostMapping Map) SharedSlotAt(ulong gpa, ulong size = TwoMiB)
        {
            var vm = NewVm();
            var file = NewGmem(vm, size, Shared);
            var map = Own(file.Map(new MapRequest(0, (long)size)));
            vm.SetUserMemoryRegion2(GmemSlot(0, gpa, size, file, userspaceAddr: map.Address));
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
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(0, 0, TwoMiB, file, 0, map.Address)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, FourGiB, TwoMiB, file, TwoMiB, map.Address + TwoMiB)));
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
            // As the selftest binds it: userspace_addr NULL.
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, FourGiB, UPage, file)));
            using (var map = file.Map(new MapRequest(0, Page))) map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            var read = vm.GuestRead(FourGiB, (int)Page);
            if (!GmemOnlySlotsFaultFromFile)
            {
                // kvm_pvm never faults from the file: with no userspace_addr the guest finds nothing (measured).
                Assert.Equal(ExitReason.Mmio, read.Exit);
                return;
            }
            AssertRead(read, Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            Assert.True(vm.GuestWrite(FourGiB, Enumerable.Repeat((byte)0xff, (int)Page).ToArray()).Completed);
            using (var map = file.Map(new MapRequest(0, Page))) Assert.All(map.Read(0, (int)Page), b => Assert.Equal(0xff, b));
        }

        [Fact]
        public void Selftest_guest_test_with_the_mapping_as_userspace_addr()
        {
            var vm = NewVm();
            var file = NewGmem(vm, UPage, Shared);
            var map = Own(file.Map(new MapRequest(0, Page)));
            Ok(() => vm.SetUserMemoryRegion2(GmemSlot(1, FourGiB, UPage, file, userspaceAddr: map.Address)));
            map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            AssertRead(vm.GuestRead(FourGiB, (int)Page), Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            Assert.True(vm.GuestWrite(FourGiB, Enumerable.Repeat((byte)0xff, (int)Page).ToArray()).Completed);
            Assert.All(map.Read(0, (int)Page), b => Assert.Equal(0xff, b));
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
            Ok(() => file.Close());
            var after = vm.GuestRead(0x1000, 1);
            if (GmemOnlySlotsFaultFromFile)
            {
                // The slot lost its file: a GMEM_ONLY fault exits with KVM_EXIT_MEMORY_FAULT and EFAULT (§3 A).
                Assert.Equal(ExitReason.MemoryFault, after.Exit);
                Assert.Equal(Errno.EFAULT, after.RunErrno);
                Assert.Equal(0x1000UL, after.ExitGpa);
                Assert.Equal(UPage, after.FaultSize);
            }
            else
            {
                Assert.Equal(ExitReason.Mmio, after.Exit);
            }
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
            Assert.Equal(ExitReason.Mmio, vm.GuestRead(0x1000, 1).Exit);
        }

        [Fact]
        public void Close_ordering_file_first_while_its_mapping_backs_the_slot()
        {
            var (vm, file, map) = SharedSlotAt(0);
            Assert.True(vm.GuestWrite(0x1000, new byte[] { 1 }).Completed);
            Ok(() => file.Close());
            AssertRead(vm.GuestRead(0x1000, 1), 1); // the mapping pins the file, so nothing was released
            map.Unmap();
            var after = vm.GuestRead(0x1000, 1);
            Assert.False(after.Completed, after.ToString());
            Ok(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0)));
        }
    }
}
