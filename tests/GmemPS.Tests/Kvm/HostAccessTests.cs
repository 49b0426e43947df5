using System;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>
    /// Host access never dereferences a mapping: pages the kernel would answer with SIGBUS come back as
    /// GmemException EIO and this process keeps running. Each test runs with both copy paths.
    /// </summary>
    public class HostAccessTests
    {
        public static TheoryData<HostAccessPath> Paths => new TheoryData<HostAccessPath> { HostAccessPath.ProcessVm, HostAccessPath.ProcSelfMem };

        private static KvmHost Open(HostAccessPath path)
        {
            KvmTestHost.OpenOrSkip().Dispose();
            return KvmHost.Open(KvmOptions.Default with { HostAccess = path });
        }

        [Theory, MemberData(nameof(Paths))]
        public void A_page_not_shared_with_the_host_reads_as_EIO_and_the_process_survives(HostAccessPath path)
        {
            using var host = Open(path);
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(KvmTestHost.TwoMiB, GuestMemfdFlags.Mmap); // MMAP without INIT_SHARED
            using var map = file.Map(new MapRequest(0, (long)KvmTestHost.TwoMiB));
            var read = Assert.Throws<GmemException>(() => map.Read(0, 16));
            Assert.Equal(Errno.EIO, read.Errno);
            Assert.Equal(KernelRules.HostAccessNotShared, read.Rule);
            var write = Assert.Throws<GmemException>(() => map.Write(4096, new byte[] { 1 }));
            Assert.Equal(Errno.EIO, write.Errno);
        }

        [Theory, MemberData(nameof(Paths))]
        public void Beyond_the_end_of_the_file_reads_as_EIO(HostAccessPath path)
        {
            using var host = Open(path);
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(4096, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            using var map = file.Map(new MapRequest(0, 3 * 4096)); // the kernel accepts a mapping longer than the file
            Assert.Equal(new byte[8], map.Read(0, 8));
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => map.Read(4096, 8)).Errno);
            // An access straddling EOF fails as a whole: the bytes before EOF do not make it a success.
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => map.Read(4090, 12)).Errno);
        }

        [Theory, MemberData(nameof(Paths))]
        public void A_punched_page_reads_back_as_zeros(HostAccessPath path)
        {
            using var host = Open(path);
            using var vm = host.CreateVm(0);
            using var file = vm.CreateFile(2 * 4096, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            using var map = file.Map(new MapRequest(0, 2 * 4096));
            byte[] pattern = Enumerable.Repeat((byte)0xAB, 4096).ToArray();
            map.Write(0, pattern);
            map.Write(4096, pattern);
            Assert.Equal(pattern, map.Read(0, 4096));
            file.Fallocate(FallocateRequest.PunchHole(0, 4096));
            Assert.Equal(new byte[4096], map.Read(0, 4096));
            Assert.Equal(pattern, map.Read(4096, 4096));
        }

        [Fact]
        public void Offsets_outside_the_mapping_are_argument_errors()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var map = host.MapAnonymous(4096);
            Assert.Throws<ArgumentOutOfRangeException>(() => map.Read(-1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => map.Read(4095, 2));
            Assert.Throws<ArgumentOutOfRangeException>(() => map.Write(4096, new byte[1]));
            Assert.Empty(map.Read(4096, 0));
        }

        [Fact]
        public void After_unmap_access_is_HostAccessUnmapped()
        {
            using var host = KvmTestHost.OpenOrSkip();
            var map = host.MapAnonymous(8192);
            map.Write(100, new byte[] { 1, 2, 3 });
            Assert.Equal(new byte[] { 1, 2, 3 }, map.Read(100, 3));
            map.Unmap();
            Assert.True(map.IsUnmapped);
            var e = Assert.Throws<GmemException>(() => map.Read(0, 1));
            Assert.Equal(KernelRules.HostAccessUnmapped, e.Rule);
            Assert.Equal(KernelRules.HostAccessUnmapped, Assert.Throws<GmemException>(() => map.Unmap()).Rule);
        }

        [Fact]
        public void Closing_the_file_leaves_its_mapping_usable()
        {
            using var host = KvmTestHost.OpenOrSkip();
            using var vm = host.CreateVm(0);
            var file = vm.CreateFile(4096, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            using var map = file.Map(new MapRequest(0, 4096));
            map.Write(0, new byte[] { 0x5A });
            file.Close();
            Assert.Equal(0x5A, map.Read(0, 1)[0]);
            map.Write(1, new byte[] { 0x5B });
            Assert.Equal(new byte[] { 0x5A, 0x5B }, map.Read(0, 2));
        }
    }
}
