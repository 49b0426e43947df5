using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>A sample of kernel-facts rows: the backend passes requests through and surfaces the errno.</summary>
    public class KernelAnswerTests
    {
        private static GmemException Refused(System.Action call) => Assert.Throws<GmemException>(call);

        [Fact]
        public void Unsupported_vm_type_is_the_kernels_EINVAL()
        {
            using var host = KvmTestHost.OpenOrSkip();
            var e = Refused(() => host.CreateVm(1));
            Assert.Equal(Errno.EINVAL, e.Errno);
            Assert.Equal(KernelRules.VmTypeUnsupported, e.Rule);
        }

        [Fact]
        public void Create_guest_memfd_rows()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.CreateFile(0)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.CreateFile(4097)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.CreateFile(4096, (GuestMemfdFlags)4)).Errno);
            using var accepted = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4096, GuestMemfdFlags.None, Reserved0: 1));
            Assert.Equal(4096, accepted.Size);
            using var huge = vm.CreateFile(1UL << 62);
            Assert.Equal(1L << 62, huge.Size);
        }

        [Fact]
        public void File_operation_rows()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(2 * 4096);
            Assert.Equal(Errno.EOPNOTSUPP, Refused(() => file.Fallocate(new FallocateRequest(FallocateMode.Allocate, 0, 4096))).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => file.Fallocate(FallocateRequest.Allocate(1, 4096))).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => file.Fallocate(FallocateRequest.Allocate(4096, 8192))).Errno);
            file.Fallocate(FallocateRequest.Allocate(0, 8192));
            file.Fallocate(FallocateRequest.PunchHole(1 << 20, 4096));
            Assert.Equal(Errno.EINVAL, Refused(() => file.Read(16)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => file.Write(new byte[16])).Errno);
            Assert.Equal(Errno.ESPIPE, Refused(() => file.Pread(16, 0)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => file.Truncate(4096)).Errno);
            Assert.Equal(Errno.ENODEV, Refused(() => file.Map(new MapRequest(0, 4096))).Errno);
        }

        [Fact]
        public void Mmap_private_of_an_mmap_file_is_EINVAL()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(4096, GuestMemfdFlags.Mmap);
            var e = Refused(() => file.Map(new MapRequest(0, 4096, Shared: false)));
            Assert.Equal(Errno.EINVAL, e.Errno);
            Assert.Equal(KernelRules.MmapInvalid, e.Rule);
        }

        [Fact]
        public void Memslot_rows()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(KvmTestHost.TwoMiB * 2);
            vm.Bind(0, 0, file, KvmTestHost.TwoMiB);
            Assert.Equal(Errno.EEXIST, Refused(() => vm.Bind(1, 0x1000, file, 4096, KvmTestHost.TwoMiB)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.Bind(1, KvmTestHost.FourGiB, file, 4096, 0)).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.Bind(32764, KvmTestHost.FourGiB, file, 4096, KvmTestHost.TwoMiB)).Errno);
            vm.Bind(32763, KvmTestHost.FourGiB, file, 4096, KvmTestHost.TwoMiB);
            Assert.Equal(Errno.EBADF, Refused(() => vm.SetUserMemoryRegion2(
                new UserMemoryRegion2(2, MemslotFlags.GuestMemfd, 2 * KvmTestHost.FourGiB, 4096, 0, 0, 999_999))).Errno);
            Assert.Equal(Errno.EINVAL, Refused(() => vm.SetUserMemoryRegion2(
                new UserMemoryRegion2(2, MemslotFlags.GuestMemfd, 2 * KvmTestHost.FourGiB, 4096, 0, 0, (uint)host.Fd))).Errno);
            vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0));
            Assert.Equal(Errno.EINVAL, Refused(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0))).Errno);
        }

        [Fact]
        public void Memory_attributes_are_ENOTTY_here()
        {
            using var host = KvmTestHost.OpenOrSkip();
            if (host.CheckExtension(Capability.MemoryAttributes) != 0) Assert.Skip("this host supports memory attributes");
            using var vm = host.CreateVm(0);
            var e = Refused(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(0, 4096, MemoryAttributes.Private)));
            Assert.Equal(Errno.ENOTTY, e.Errno);
            Assert.Equal(KernelRules.AttributesNotSupported, e.Rule);
        }

        [Fact]
        public void The_file_outlives_its_vm_fd()
        {
            using var host = KvmTestHost.OpenOrSkip();
            var vm = host.CreateVm(0);
            using var file = vm.CreateFile(KvmTestHost.TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            vm.Close();
            Assert.True(vm.IsClosed);
            file.Fallocate(FallocateRequest.Allocate(0, 4096));
            using var map = file.Map(new MapRequest(0, 4096));
            map.Write(0, new byte[] { 7 });
            Assert.Equal(7, map.Read(0, 1)[0]);
        }
    }
}
