using System.Linq;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/punch-while-mapped.ps1 (kernel-semantics §2.4 row 4 and §4): PUNCH_HOLE on a mapped
    /// MMAP|INIT_SHARED file zaps exactly the bound gfns, clamped per slot, and the host mapping reads zeros.
    /// Same steps through GmemLab on the Simulator; every claim of the script is asserted here.
    /// </summary>
    public class PunchWhileMappedTwinTests
    {
        private const ulong MiB = ExampleSession.MiB;

        [Fact]
        public void Punch_zaps_the_exact_gfns_and_the_mapping_reads_zeros()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            s.Mark();
            var vm = lab.CreateVm(BackendKind.Simulator);
            int vmId = s.Since<VmCreated>().Single().VmId;
            var file = lab.CreateFile(vm, 2 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            long inode = s.Since<GuestMemfdCreated>().Single().Inode;
            // Two slots over the two file halves: gpa 256 MiB (gfn 0x10000) and 512 MiB (gfn 0x20000).
            lab.Bind(file, 0x10000000, 1 * MiB, offset: 0);
            lab.Bind(file, 0x20000000, 1 * MiB, offset: 1 * MiB);

            // The host writes 0xab over pages 2..5 (16 KiB at offset 0x2000) through its mapping.
            byte[] pattern = Enumerable.Repeat((byte)0xab, 0x4000).ToArray();
            lab.HostWrite(file, 0x2000, pattern);
            Assert.Equal(pattern, lab.HostRead(file, 0x2000, 0x4000));

            // Punch pages 3..4: one zap on slot 0, gfns [0x10003, 0x10005).
            s.Mark();
            lab.PunchHole(file, 0x3000, 0x2000);
            var zap = Assert.Single(s.Since<Invalidated>());
            Assert.Equal((vmId, 0, 0x10003UL, 0x10005UL, InvalidationCause.PunchHole), (zap.VmId, zap.Slot, zap.GfnStart, zap.GfnEnd, zap.Cause));
            var freed = Assert.Single(s.Since<PagesFreed>());
            Assert.Equal((inode, 3UL, 5UL, 2UL), (freed.Inode, freed.FirstPage, freed.EndPage, freed.FreedPages));

            // The same mapping now reads zeros in the hole and the pattern around it.
            var after = lab.HostRead(file, 0x2000, 0x4000);
            Assert.All(after.Take(0x1000), b => Assert.Equal(0xab, b));
            Assert.All(after.Skip(0x1000).Take(0x2000), b => Assert.Equal(0, b));
            Assert.All(after.Skip(0x3000), b => Assert.Equal(0xab, b));
            // The guest reads zeros there too.
            Assert.Equal(new byte[] { 0, 0, 0, 0 }, lab.GuestRead(vm, 0x10003000, 4).Data);

            // A punch across the boundary of the two halves: one zap per slot, each clamped to its slot.
            s.Mark();
            lab.PunchHole(file, (long)MiB - 0x2000, 0x4000);
            Assert.Equal(
                new[] { (vmId, 0, 0x100feUL, 0x10100UL, InvalidationCause.PunchHole), (vmId, 1, 0x20000UL, 0x20002UL, InvalidationCause.PunchHole) },
                s.Since<Invalidated>().Select(z => (z.VmId, z.Slot, z.GfnStart, z.GfnEnd, z.Cause)).OrderBy(z => z.Slot));
        }
    }
}
