using System.Linq;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Simulator
{
    /// <summary>Who pins whom (§3), in every close order, with the invariants checked after each step.</summary>
    public sealed class LifetimeTests
    {
        private const ulong MiB = 1UL << 20;
        private readonly SimulatorHost host = new SimulatorHost();

        private (IGmemVm Vm, IGuestMemfd File) BoundVm(GuestMemfdFlags flags = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(2 * MiB, flags));
            vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, 2 * MiB, 0, 0, (uint)file.Fd));
            host.CheckInvariants();
            return (vm, file);
        }

        private string[] Kinds() => host.Events.Since(0).Select(e => e.Kind).ToArray();

        [Fact]
        public void Vm_handle_first_the_file_keeps_the_vm_alive_until_it_goes()
        {
            var (vm, file) = BoundVm();
            vm.Close();
            host.CheckInvariants();
            Assert.DoesNotContain("VmDestroyed", Kinds());
            file.Close();
            host.CheckInvariants();
            Assert.Equal(new[] { "Invalidated", "FileReleased", "VmDestroyed" }, Kinds().Skip(Kinds().Length - 3));
        }

        [Fact]
        public void File_first_the_slot_stays_disconnected_and_deletes_later()
        {
            var (vm, file) = BoundVm();
            file.Close();
            host.CheckInvariants();
            var release = host.Events.Since(0).OfType<FileReleased>().Single();
            Assert.Equal(1, release.SlotsDisconnected);
            var zap = host.Events.Since(0).OfType<Invalidated>().Single();
            Assert.Equal((0UL, 512UL, InvalidationCause.FileRelease), (zap.GfnStart, zap.GfnEnd, zap.Cause));
            vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0));
            host.CheckInvariants();
            vm.Close();
            host.CheckInvariants();
            Assert.Equal("VmDestroyed", Kinds().Last());
        }

        [Fact]
        public void A_mapping_defers_the_release_until_munmap()
        {
            var (vm, file) = BoundVm();
            var map = file.Map(new MapRequest(0, 4096));
            file.Close();
            vm.Close();
            host.CheckInvariants();
            Assert.DoesNotContain("FileReleased", Kinds());
            Assert.True(vm.IsClosed);
            map.Unmap();
            host.CheckInvariants();
            Assert.Contains("FileReleased", Kinds());
            Assert.Equal("VmDestroyed", Kinds().Last());
        }

        [Fact]
        public void Descriptors_are_reused_lowest_first_like_linux()
        {
            var vm = host.CreateVm(0);                  // fd 4 (3 is /dev/kvm)
            var a = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4096, GuestMemfdFlags.None));
            Assert.Equal(new[] { 3, 4, 5 }, new[] { host.Fd, vm.Fd, a.Fd });
            a.Close();
            var b = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4096, GuestMemfdFlags.None));
            Assert.Equal(5, b.Fd);
            // The old handle does not reach the new file through the reused number.
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => a.Fallocate(FallocateRequest.Allocate(0, 4096))).Errno);
        }

        [Fact]
        public void The_6_18_0_profile_accepts_dropping_guest_memfd_from_a_slot()
        {
            foreach (bool linux6180 in new[] { true, false })
            {
                var kernel = new SimulatorHost(SimulatorProfile.ThisHost with { AcceptGuestMemfdToggle = linux6180 });
                var vm = kernel.CreateVm(0);
                var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(2 * MiB, GuestMemfdFlags.None));
                var slot = new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, 2 * MiB, 0, 0, (uint)file.Fd);
                vm.SetUserMemoryRegion2(slot);
                void Toggle() => vm.SetUserMemoryRegion2(slot with { Flags = MemslotFlags.None });
                if (linux6180) Toggle();
                else Assert.Equal(Errno.EINVAL, Assert.Throws<GmemException>(Toggle).Errno);
            }
        }

        [Fact]
        public void The_invariant_checker_catches_a_corrupted_model()
        {
            var (vm, file) = BoundVm();
            var kvm = host.Kernel.LiveVms.Single();
            kvm.UsersCount++;
            var e = Assert.Throws<System.InvalidOperationException>(() => host.CheckInvariants());
            Assert.Contains("users_count", e.Message);
            kvm.UsersCount--;
            var slot = kvm.Slots.Values.Single();
            slot.GmemFile!.Bindings.Clear(0, 1);
            Assert.Contains("bindings", Assert.Throws<System.InvalidOperationException>(() => host.CheckInvariants()).Message);
        }

        [Fact]
        public void The_invariant_checker_catches_a_page_allocated_past_the_end_of_the_file()
        {
            // Issue 2/7, finding 1: a host access at offset long.MaxValue once allocated page 2^51 - 1 of a 512-page file.
            BoundVm();
            var inode = host.Kernel.LiveFiles.Single().Inode;
            host.CheckInvariants();
            inode.Allocate(inode.Pages, inode.Pages + 1);
            Assert.Contains("past its size", Assert.Throws<System.InvalidOperationException>(() => host.CheckInvariants()).Message);
        }
    }
}
