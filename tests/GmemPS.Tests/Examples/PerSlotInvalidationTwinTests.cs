using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/design-per-slot-invalidation.ps1 (seed D, scenarios 27, 28, 30): upstream's per-file index
    /// next to the ofs_tree, the per-slot notifier and Sean's sketch. Same steps through GmemLab on the Simulator;
    /// every claim of the script is asserted here.
    /// </summary>
    public class PerSlotInvalidationTwinTests
    {
        private const ulong MiB = ExampleSession.MiB, GiB = ExampleSession.GiB;
        private const GuestMemfdFlags Shared = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared;

        private static string[] Zaps(ExampleSession s) =>
            s.Since<Invalidated>().Select(z => $"{z.Slot}:0x{z.GfnStart:x}-0x{z.GfnEnd:x}").ToArray();

        private static (LabFile A, LabFile B) TwoFileVm(GmemLab lab, OffsetIndex index)
        {
            var vm = lab.CreateVm(designs: DesignPolicies.Upstream with { OffsetIndex = index });
            var a = lab.CreateFile(vm, MiB, Shared);
            var b = lab.CreateFile(vm, MiB, Shared);
            lab.Bind(a, 0x10000000, slot: 0);
            lab.Bind(b, 0x20000000, slot: 1);
            lab.HostWrite(b, 0x10000, Enumerable.Repeat((byte)0xbb, 16).ToArray());
            return (a, b);
        }

        [Fact]
        public void Scenario_27_the_per_file_index_zaps_only_file_A_the_ofs_tree_zaps_B_too()
        {
            using var s = new ExampleSession();
            s.Mark();
            var (a, b) = TwoFileVm(s.Lab, OffsetIndex.PerFileBindings);
            s.Lab.PunchHole(a, 0x10000, 0x2000);
            Assert.Equal(Enumerable.Repeat((byte)0xbb, 16), s.Lab.HostRead(b, 0x10000, 16));
            Assert.Equal(new[] { "0:0x10010-0x10012" }, Zaps(s));

            var (treeA, _) = TwoFileVm(s.Lab, OffsetIndex.PerVmOffsetTree);
            s.Mark();
            s.Lab.PunchHole(treeA, 0x10000, 0x2000);
            Assert.Equal(new[] { "0:0x10010-0x10012", "1:0x20010-0x20012" }, Zaps(s));
            var wrong = Assert.Single(s.Since<MisdirectedInvalidation>());
            Assert.Equal(1, wrong.Slot);
            Assert.StartsWith("Seed D, Chao's v3 ofs_tree", wrong.Design);
        }

        [Theory]
        [InlineData(GfnMath.Clamped)]
        [InlineData(GfnMath.SketchWithoutBaseGfn)]
        public void Scenario_28_upstream_clamps_the_sketch_zaps_below_the_slot_and_leaves_a_stale_mapping(GfnMath math)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm(designs: DesignPolicies.Upstream with { OffsetIndex = OffsetIndex.PerSlotNotifier, GfnMath = math });
            var file = lab.CreateFile(vm, 2 * MiB, Shared);
            lab.Bind(file, 0x10000000, MiB, MiB);
            lab.GuestWrite(vm, 0x10000000, Enumerable.Repeat((byte)0x42, 16).ToArray());
            s.Mark();
            lab.PunchHole(file, 200 * 4096, 100 * 4096);
            if (math == GfnMath.Clamped)
            {
                Assert.Equal(new[] { "0:0x10000-0x1002c" }, Zaps(s));
                return;
            }
            Assert.Equal(new[] { "0:0x0-0x2c" }, Zaps(s));
            var stale = Assert.Single(s.Since<StaleMappingLeft>());
            Assert.Equal((0x10000UL, 0x1002cUL), (stale.GfnStart, stale.GfnEnd));
            s.Mark();
            lab.GuestRead(vm, 0x10000000, 16);
            Assert.StartsWith("Seed D, Sean's sketch", Assert.Single(s.Since<UseAfterFree>()).Design);
        }

        [Theory]
        [InlineData(OffsetIndex.PerFileBindings)]
        [InlineData(OffsetIndex.PerSlotNotifier)]
        public void Scenario_30_the_notifier_fan_out_calls_every_slot_and_one_acts(OffsetIndex index)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm(designs: DesignPolicies.Upstream with { OffsetIndex = index });
            var file = lab.CreateFile(vm, 4 * MiB);
            for (uint i = 0; i < 4; i++) lab.Bind(file, i * GiB, MiB, i * MiB, i);
            s.Mark();
            lab.PunchHole(file, (long)(2 * MiB), 4096);
            var calls = s.Since<InvalidateCallback>();
            if (index == OffsetIndex.PerFileBindings)
            {
                Assert.Empty(calls);
                Assert.Equal(new[] { "2:0x80000-0x80001" }, Zaps(s));
            }
            else
            {
                Assert.Equal(4, calls.Count);
                Assert.Single(calls, c => c.Acted);
                Assert.Single(Zaps(s));
            }
        }
    }
}
