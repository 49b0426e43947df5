using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    // kernel-facts.md "Other file operations" and "Host mappings"; selftest rows 6–17 (§5.1).
    public abstract partial class ConformanceSuite
    {
        private const GuestMemfdFlags Shared = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared;

        [Fact]
        public void Read_write_pread_and_ftruncate_are_refused()
        {
            var file = FourPageFile();
            Refused(Errno.EINVAL, () => file.Read(64));
            Refused(Errno.EINVAL, () => file.Write(new byte[64]));
            Refused(Errno.ESPIPE, () => file.Pread(64, 0));
            Refused(Errno.EINVAL, () => file.Truncate(Page));
        }

        /// <summary>
        /// Issue 2/7, finding 1: host access outside the mapping is the contract's refusal, the same on every backend
        /// (it was allowed on the simulator at offset long.MaxValue, and a count of -1 was an internal error there).
        /// </summary>
        [Theory]
        [InlineData(long.MaxValue, 1)]
        [InlineData(long.MaxValue - 4095, 4096)]
        [InlineData(0, -1)]
        [InlineData(-1, 1)]
        [InlineData(4096 * 4, 1)]
        [InlineData(4096 * 4 - 1, 2)]
        public void Host_access_outside_the_mapping_is_the_contracts_refusal(long offset, int count)
        {
            var file = NewGmem(NewVm(), (ulong)Total, Shared);
            var map = Own(file.Map(new MapRequest(0, Total)));
            Assert.Throws<System.ArgumentOutOfRangeException>(() => map.Read(offset, count));
            if (count >= 0) Assert.Throws<System.ArgumentOutOfRangeException>(() => map.Write(offset, new byte[count]));
            Assert.All(map.Read(0, (int)Total), b => Assert.Equal(0, b));
        }

        [Fact]
        public void Mmap_without_the_mmap_flag_is_ENODEV()
        {
            var file = FourPageFile();
            Refused(Errno.ENODEV, () => file.Map(new MapRequest(0, Page)));
            Refused(Errno.ENODEV, () => file.Map(new MapRequest(0, Total)));
        }

        [Theory]
        [InlineData(GuestMemfdFlags.Mmap)]
        [InlineData(GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)]
        public void Map_private_is_EINVAL_and_map_shared_works(GuestMemfdFlags flags)
        {
            var file = NewGmem(NewVm(), (ulong)Total, flags);
            Refused(Errno.EINVAL, () => file.Map(new MapRequest(0, Total, Shared: false)));
            var mapping = Ok(() => Own(file.Map(new MapRequest(0, Total))));
            Assert.Equal(Total, mapping.Length);
        }

        [Fact]
        public void Selftest_mmap_supported_rows_10_to_12()
        {
            var file = NewGmem(NewVm(), (ulong)Total, Shared);
            var map = Own(file.Map(new MapRequest(0, Total)));
            map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Total).ToArray());
            Assert.All(map.Read(0, (int)Total), b => Assert.Equal(0xaa, b));
            Ok(() => file.Fallocate(FallocateRequest.PunchHole(0, Page)));
            Assert.All(map.Read(0, (int)Page), b => Assert.Equal(0, b));
            Assert.All(map.Read(Page, (int)(Total - Page)), b => Assert.Equal(0xaa, b));
            map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Page).ToArray());
            Assert.All(map.Read(0, (int)Page), b => Assert.Equal(0xaa, b));
        }

        [Fact]
        public void Selftest_fault_overflow_rows_13_to_15_end_in_EIO_not_SIGBUS()
        {
            var file = NewGmem(NewVm(), (ulong)Total, Shared);
            var map = Own(file.Map(new MapRequest(0, 4 * Total)));
            map.Write(0, Enumerable.Repeat((byte)0xaa, (int)Total).ToArray());
            Refused(Errno.EIO, () => map.Read(Total, 1));
            Refused(Errno.EIO, () => map.Write(Total, new byte[] { 1 }));
            Assert.All(map.Read(0, (int)Total), b => Assert.Equal(0xaa, b));
        }

        [Fact]
        public void Selftest_fault_private_rows_16_17_end_in_EIO_not_SIGBUS()
        {
            var file = NewGmem(NewVm(), (ulong)Total, GuestMemfdFlags.Mmap);
            var map = Own(file.Map(new MapRequest(0, Total)));
            Refused(Errno.EIO, () => map.Write(0, new byte[] { 0xaa }));
            Refused(Errno.EIO, () => map.Read(0, 1));
        }

        [Fact]
        public void Reading_into_a_reused_buffer_sees_what_read_sees_and_refuses_alike()
        {
            var file = NewGmem(NewVm(), (ulong)Total, Shared);
            var map = Own(file.Map(new MapRequest(0, 2 * Total)));
            map.Write(Page - 2, new byte[] { 1, 2, 3, 4 });
            var buffer = new byte[4];
            map.ReadInto(Page - 2, buffer);
            Assert.Equal(map.Read(Page - 2, 4), buffer);
            Refused(Errno.EIO, () => map.ReadInto(Total - 2, buffer)); // crosses the end of the file
        }

        [Fact]
        public void Closing_the_fd_leaves_a_mapping_working()
        {
            var file = NewGmem(NewVm(), (ulong)Total, Shared);
            var map = Own(file.Map(new MapRequest(0, Total)));
            map.Write(8, new byte[] { 7 });
            Ok(() => file.Close());
            Assert.Equal(7, map.Read(8, 1)[0]);
            map.Write(9, new byte[] { 9 });
            Assert.Equal(9, map.Read(9, 1)[0]);
        }
    }
}
