using System;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>A real vCPU (64-bit mode, scratch memslot per access) reads and writes guest memory.</summary>
    public class GuestAccessTests
    {
        private const GuestMemfdFlags Shared = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared;

        [Fact]
        public void Host_and_guest_see_each_others_writes_at_4_GiB()
        {
            using var slot = KvmTestHost.SharedSlotAt(KvmTestHost.FourGiB);
            var (vm, map) = (slot.Vm, slot.Map);

            byte[] fromHost = Enumerable.Range(0, 64).Select(i => (byte)(i * 3 + 1)).ToArray();
            map.Write(0x1234_0, fromHost.Take(16).ToArray());
            map.Write(0x1FF000, fromHost);
            GuestAccessResult read = vm.GuestRead(KvmTestHost.FourGiB + 0x1FF000, 64);
            Assert.True(read.Completed, read.ToString());
            Assert.Equal(ExitReason.Hlt, read.Exit);
            Assert.Equal(fromHost, read.Data);

            byte[] fromGuest = { 0xDE, 0xAD, 0xBE, 0xEF };
            GuestAccessResult write = vm.GuestWrite(KvmTestHost.FourGiB + 0x2000, fromGuest);
            Assert.True(write.Completed, write.ToString());
            Assert.Equal(fromGuest, map.Read(0x2000, 4));
        }

        [Fact]
        public void Low_gpas_work_and_a_whole_page_copies()
        {
            using var slot = KvmTestHost.SharedSlotAt(0);
            var (vm, map) = (slot.Vm, slot.Map);
            byte[] page = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
            Assert.True(vm.GuestWrite(0x1000, page).Completed);
            Assert.Equal(page, map.Read(0x1000, 4096));
            Assert.Equal(page, vm.GuestRead(0x1000, 4096).Data);
            // An access of no bytes is the contract's refusal on both backends (one validator, GuestAccessBounds).
            Assert.Throws<ArgumentOutOfRangeException>(() => vm.GuestRead(0x1000, 0));
        }

        [Fact]
        public void An_unbacked_gpa_is_an_mmio_exit_and_the_next_access_still_works()
        {
            using var slot = KvmTestHost.SharedSlotAt(KvmTestHost.FourGiB);
            var (vm, map) = (slot.Vm, slot.Map);

            GuestAccessResult mmio = vm.GuestRead(0x8000_0010, 8);
            Assert.Equal(ExitReason.Mmio, mmio.Exit);
            Assert.Equal(0x8000_0010UL, mmio.ExitGpa);
            Assert.False(mmio.Completed);
            Assert.Equal(ExitReason.Mmio, vm.GuestWrite(0x10_0000_0000, new byte[] { 1, 2 }).Exit);

            map.Write(0, new byte[] { 0x42 });
            GuestAccessResult after = vm.GuestRead(KvmTestHost.FourGiB, 1);
            Assert.True(after.Completed, after.ToString());
            Assert.Equal(0x42, after.Data[0]);
        }

        [Fact]
        public void Guest_access_leaves_the_users_memslots_and_events_alone()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(KvmTestHost.TwoMiB, Shared);
            using var map = file.Map(new MapRequest(0, (long)KvmTestHost.TwoMiB));
            // The user's slot sits exactly where the scratch slot prefers to go, with the highest slot id.
            ulong preferred = host.Options.ScratchGpa & ~(KvmTestHost.TwoMiB - 1);
            vm.Bind(32763, preferred, file, KvmTestHost.TwoMiB, userspaceAddr: map.Address);
            long eventsBefore = host.Events.TotalAppended;

            map.Write((long)(host.Options.ScratchGpa - preferred), new byte[] { 9, 8, 7 });
            GuestAccessResult read = vm.GuestRead(host.Options.ScratchGpa, 3);
            Assert.True(read.Completed, read.ToString());
            Assert.Equal(new byte[] { 9, 8, 7 }, read.Data);
            Assert.Equal(eventsBefore, host.Events.TotalAppended);

            // No scratch slot is left behind: the next free id and the range just below the user's slot
            // (where the scratch slot went) are both free for the user.
            using var other = vm.CreateFile(0x10000);
            vm.Bind(32762, 0, other, 0x8000);
            vm.Bind(0, preferred - 0x8000, other, 0x8000, offset: 0x8000);
        }

        [Fact]
        public void A_guest_memfd_slot_without_userspace_addr_is_reported_as_the_kernel_answers()
        {
            // Upstream 6.18 with a gmem-only (MMAP) slot would fault the file's page in. The kvm_pvm host this
            // was measured on resolves guest accesses through userspace_addr only: with userspace_addr 0 a data
            // access is KVM_EXIT_MMIO (and a code fetch KVM_EXIT_INTERNAL_ERROR); with userspace_addr pointing
            // at anonymous memory the guest reads that memory, not the guest_memfd.
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(KvmTestHost.TwoMiB, Shared);
            using var map = file.Map(new MapRequest(0, (long)KvmTestHost.TwoMiB));
            map.Write(0x10, new byte[] { 0x77 });
            vm.Bind(0, KvmTestHost.FourGiB, file, KvmTestHost.TwoMiB);
            GuestAccessResult read = vm.GuestRead(KvmTestHost.FourGiB + 0x10, 1);
            if (read.Completed) Assert.Equal(0x77, read.Data[0]);
            else Assert.Equal(ExitReason.Mmio, read.Exit);
        }

        [Fact]
        public void Accesses_are_one_page_at_most()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            Assert.ThrowsAny<ArgumentException>(() => vm.GuestRead(0xFFF, 2));
            Assert.ThrowsAny<ArgumentException>(() => vm.GuestRead(0, 4097));
            Assert.ThrowsAny<ArgumentException>(() => vm.GuestWrite(0x1FFE, new byte[3]));
        }

        [Fact]
        public void Gpas_beyond_maxphyaddr_are_refused_with_the_limit_named()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => vm.GuestRead(1UL << 60, 1));
            Assert.Contains("MAXPHYADDR", e.Message);
            Assert.Matches(@"below 2\^\d+ \(the vCPU's MAXPHYADDR\)", e.Message);
        }
    }
}
