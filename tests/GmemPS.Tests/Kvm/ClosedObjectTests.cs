using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>An object this process closed answers EBADF itself: its fd number may already name another file.</summary>
    public class ClosedObjectTests
    {
        [Fact]
        public void Operations_on_a_closed_guest_memfd_are_EBADF_without_reaching_the_kernel()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            var file = vm.CreateFile(4096, GuestMemfdFlags.Mmap);
            int fd = file.Fd;
            file.Close();
            Assert.True(file.IsClosed);
            // A new file may now reuse that descriptor number; the closed object must not touch it.
            using var reuser = vm.CreateFile(8192);
            var e = Assert.Throws<GmemException>(() => file.Fallocate(FallocateRequest.Allocate(0, 4096)));
            Assert.Equal(Errno.EBADF, e.Errno);
            Assert.Equal(KernelRules.DescriptorClosed, e.Rule);
            Assert.Contains($"guest_memfd {fd}", e.Message);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => file.Map(new MapRequest(0, 4096))).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => file.Read(1)).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => file.Close()).Errno);
            file.Dispose(); // disposing twice is harmless
        }

        [Fact]
        public void Operations_on_a_closed_vm_are_EBADF()
        {
            using var host = KvmTestHost.OpenOrSkip();
            var vm = host.CreateVm(0);
            vm.Close();
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => vm.CreateFile(4096)).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0))).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => vm.CheckExtension(Capability.GuestMemfd)).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => vm.GuestRead(0, 1)).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => vm.Close()).Errno);
        }

        [Fact]
        public void A_disposed_host_answers_EBADF()
        {
            var host = KvmTestHost.OpenOrSkip();
            host.Dispose();
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => host.CheckExtension(Capability.GuestMemfd)).Errno);
            Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => host.CreateVm(0)).Errno);
        }
    }
}
