using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// Seed D, per-slot invalidation (seeds-and-peers.md §D): upstream's per-file bindings index against Chao's
    /// per-VM ofs_tree, Sean's per-slot notifier, his sketch of the gfn arithmetic, and the 1:1 check. One test per
    /// scenario line (27-30), each with the line's expected outcome and the invariants checked after every step.
    /// </summary>
    public sealed class PerSlotInvalidationTests
    {
        private const ulong MiB = DesignHost.MiB;

        private static DesignPolicies With(OffsetIndex index = OffsetIndex.PerFileBindings, GfnMath math = GfnMath.Clamped,
            DuplicateBindingCheck check = DuplicateBindingCheck.Enforced) =>
            DesignPolicies.Upstream with { OffsetIndex = index, GfnMath = math, DuplicateBindingCheck = check };

        /// <summary>Files A and B, both bound from offset 0: A at gfn 0x10000 (slot 0), B at gfn 0x20000 (slot 1).</summary>
        private static (DesignHost D, IGmemVm Vm, IGuestMemfd A, IGuestMemfd B) TwoFilesSameOffsets(DesignPolicies designs)
        {
            var d = new DesignHost();
            var vm = d.Vm(designs);
            var a = d.File(vm, MiB);
            var b = d.File(vm, MiB);
            d.Bind(vm, 0, 0x10000000, a, MiB);
            d.Bind(vm, 1, 0x20000000, b, MiB);
            return (d, vm, a, b);
        }

        [Fact]
        public void Scenario_27_per_file_index_zaps_only_the_punched_files_slot()
        {
            var (d, _, a, _) = TwoFilesSameOffsets(DesignPolicies.Upstream);
            d.Mark();
            d.Step(() => a.Fallocate(FallocateRequest.PunchHole(0x10000, 0x2000)));
            var zap = Assert.Single(d.Since<Invalidated>());
            Assert.Equal((0, 0x10010UL, 0x10012UL), (zap.Slot, zap.GfnStart, zap.GfnEnd));
            Assert.Empty(d.Since<DesignEvent>());
        }

        [Fact]
        public void Scenario_27_the_offset_tree_also_zaps_the_other_files_slot()
        {
            var (d, _, a, _) = TwoFilesSameOffsets(With(OffsetIndex.PerVmOffsetTree));
            d.Mark();
            d.Step(() => a.Fallocate(FallocateRequest.PunchHole(0x10000, 0x2000)));
            Assert.Equal(new[] { (0, 0x10010UL, 0x10012UL), (1, 0x20010UL, 0x20012UL) },
                d.Since<Invalidated>().Select(z => (z.Slot, z.GfnStart, z.GfnEnd)));
            var wrong = Assert.Single(d.Since<MisdirectedInvalidation>());
            Assert.Equal((1, 0x20010UL, 0x20012UL, DesignDecisions.OffsetTree), (wrong.Slot, wrong.ZappedStart, wrong.ZappedEnd, wrong.Design));
            Assert.Equal(wrong.IntendedStart, wrong.IntendedEnd); // B backs no punched page
            Assert.Empty(d.Since<StaleMappingLeft>());
        }

        [Fact]
        public void Scenario_28_a_punch_from_before_the_slots_offset_is_clamped_at_both_ends_upstream()
        {
            var d = new DesignHost();
            var vm = d.Vm();
            var file = d.File(vm, 2 * MiB);
            d.Bind(vm, 0, 0x10000000, file, MiB, MiB); // gfn 0x10000, file pages [256, 512)
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(200 * 4096, 100 * 4096))); // pages [200, 300)
            var zap = Assert.Single(d.Since<Invalidated>());
            Assert.Equal((0x10000UL, 0x1002cUL), (zap.GfnStart, zap.GfnEnd));
        }

        [Fact]
        public void Scenario_28_the_sketch_zaps_below_the_slot_and_leaves_the_punched_gfns_mapped()
        {
            var d = new DesignHost();
            var vm = d.Vm(With(OffsetIndex.PerSlotNotifier, GfnMath.SketchWithoutBaseGfn));
            var file = d.File(vm, 2 * MiB);
            d.Bind(vm, 0, 0x10000000, file, MiB, MiB);
            Assert.True(vm.GuestWrite(0x10000000, DesignHost.Filled(0x42)).Completed);
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(200 * 4096, 100 * 4096)));
            var zap = Assert.Single(d.Since<Invalidated>());
            Assert.Equal((0UL, 44UL), (zap.GfnStart, zap.GfnEnd)); // below base_gfn 0x10000
            var wrong = Assert.Single(d.Since<MisdirectedInvalidation>());
            Assert.Equal((0x10000UL, 0x1002cUL, DesignDecisions.SketchMath), (wrong.IntendedStart, wrong.IntendedEnd, wrong.Design));
            Assert.Contains("underflows (-56)", wrong.Why);
            var stale = Assert.Single(d.Since<StaleMappingLeft>());
            Assert.Equal((0x10000UL, 0x1002cUL), (stale.GfnStart, stale.GfnEnd));
            // The guest still reaches the freed page through the mapping nobody zapped.
            d.Mark();
            var read = d.Step(() => vm.GuestRead(0x10000000, 16));
            Assert.True(read.Completed);
            Assert.Equal(DesignHost.Filled(0), read.Data);
            Assert.Equal(DesignDecisions.SketchMath, Assert.Single(d.Since<UseAfterFree>()).Design);
            // Deleting the slot zaps it whole: nothing stale remains.
            d.Delete(vm, 0);
            Assert.Empty(d.Host.Kernel.LiveVms.Single().StaleGfns.All);
            d.AssertDesignEventsNameTheirDecision();
        }

        [Fact]
        public void Scenario_29_binding_one_file_page_at_two_gfns_is_refused_upstream()
        {
            var d = new DesignHost();
            var vm = d.Vm();
            var file = d.File(vm, MiB);
            d.Bind(vm, 0, 0, file, MiB);
            d.Refused(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(1, MemslotFlags.GuestMemfd, 1UL << 30, MiB, 0, 0, (uint)file.Fd)),
                KernelRules.GmemRangeAlreadyBound);
        }

        [Theory]
        [InlineData(OffsetIndex.PerFileBindings)]
        [InlineData(OffsetIndex.PerSlotNotifier)]
        public void Scenario_29_without_the_1_to_1_check_the_index_misses_the_alias(OffsetIndex index)
        {
            var d = new DesignHost();
            var vm = d.Vm(With(index, check: DuplicateBindingCheck.Off));
            var file = d.File(vm, MiB);
            d.Bind(vm, 0, 0, file, MiB);
            d.Mark();
            d.Bind(vm, 1, 1UL << 30, file, MiB);
            var alias = Assert.Single(d.Since<AliasedBinding>());
            Assert.Equal((1, 0, DesignDecisions.OneToOne), (alias.Slot, alias.OtherSlot, alias.Design));
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0, 0x1000)));
            var zapped = d.Since<Invalidated>().Select(z => z.Slot).ToList();
            if (index == OffsetIndex.PerFileBindings)
            {
                Assert.Equal(new[] { 0 }, zapped);
                var stale = Assert.Single(d.Since<StaleMappingLeft>());
                Assert.Equal((1, 0x40000UL, 0x40001UL, DesignDecisions.OneToOne), (stale.Slot, stale.GfnStart, stale.GfnEnd, stale.Design));
                d.Mark();
                d.Step(() => vm.GuestRead(1UL << 30, 4));
                Assert.Single(d.Since<UseAfterFree>());
            }
            else
            {
                // Every registered slot is called, the alias included: both are zapped.
                Assert.Equal(new[] { 0, 1 }, zapped);
                Assert.Empty(d.Since<StaleMappingLeft>());
            }
            d.Step(file.Close); // the release reaches the alias too
            Assert.Equal(2, d.Host.Events.Since(0).OfType<FileReleased>().Single().SlotsDisconnected);
        }

        [Theory]
        [InlineData(OffsetIndex.PerFileBindings, 0, 1)]
        [InlineData(OffsetIndex.PerSlotNotifier, 4, 1)]
        public void Scenario_30_one_file_four_slots_punch_one_page_fan_out_calls_every_slot(OffsetIndex index, int callbacks, int zaps)
        {
            var d = new DesignHost();
            var vm = d.Vm(With(index));
            var file = d.File(vm, 4 * MiB);
            for (uint i = 0; i < 4; i++) d.Bind(vm, i, (ulong)i << 30, file, MiB, i * MiB);
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole((long)(2 * MiB), 0x1000)));
            var calls = d.Since<InvalidateCallback>();
            Assert.Equal(callbacks, calls.Count);
            Assert.True(calls.Count == 0 || calls.Count(c => c.Acted) == 1);
            Assert.Equal(zaps, d.Since<Invalidated>().Count);
            Assert.Equal(2, d.Since<Invalidated>().Single().Slot);
        }
    }
}
