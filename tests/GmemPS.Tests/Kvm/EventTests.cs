using System.Linq;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>The backend reports only what the kernel certainly did: creations and slot changes that succeeded.</summary>
    public class EventTests
    {
        [Fact]
        public void Successful_operations_are_reported_failures_are_not()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = (KvmVm)host.CreateVm(0);
            using var a = (KvmGuestMemfd)vm.CreateFile(8192);
            using var b = (KvmGuestMemfd)vm.CreateFile(4096);
            Assert.NotEqual(a.Inode, b.Inode);
            vm.Bind(5, 0x10000, a, 4096, offset: 4096);
            Assert.Throws<GmemException>(() => vm.Bind(6, 0x10000, b, 4096)); // EEXIST: no event
            vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(5));

            var events = host.Events.Since(0);
            Assert.Collection(events,
                e => Assert.Equal(new VmCreated(vm.Id, 0) { Sequence = e.Sequence }, e),
                e => Assert.Equal(new GuestMemfdCreated(vm.Id, a.Inode, 8192, GuestMemfdFlags.None) { Sequence = e.Sequence }, e),
                e => Assert.Equal(new GuestMemfdCreated(vm.Id, b.Inode, 4096, GuestMemfdFlags.None) { Sequence = e.Sequence }, e),
                e => Assert.Equal(new SlotCreated(vm.Id, 5, 0x10, 1, a.Inode, 1) { Sequence = e.Sequence }, e),
                e => Assert.Equal(new SlotDeleted(vm.Id, 5) { Sequence = e.Sequence }, e));
            Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), events.Select(e => e.Sequence));
        }
    }
}
