using System.Linq;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Simulator
{
    /// <summary>Kernel-visible effects as typed events, with the exact gfn ranges of §4.</summary>
    public sealed class EventTests
    {
        private const ulong MiB = 1UL << 20;
        private readonly SimulatorHost host = new SimulatorHost();

        private T[] Events<T>() where T : GmemEvent => host.Events.Since(0).OfType<T>().ToArray();

        private static UserMemoryRegion2 Slot(uint id, ulong gpa, ulong size, IGuestMemfd file, ulong offset) =>
            new UserMemoryRegion2(id, MemslotFlags.GuestMemfd, gpa, size, 0, offset, (uint)file.Fd);

        [Fact]
        public void A_punch_zaps_exactly_the_gfns_of_each_slot_it_touches()
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4 * MiB, GuestMemfdFlags.None));
            vm.SetUserMemoryRegion2(Slot(0, 0, 2 * MiB, file, 0));               // file pages 0..511  → gfn 0..511
            vm.SetUserMemoryRegion2(Slot(1, 1UL << 32, 2 * MiB, file, 2 * MiB)); // file pages 512..1023 → gfn 0x100000..
            // Punch file pages 500..520: the tail of slot 0 and the head of slot 1.
            file.Fallocate(FallocateRequest.PunchHole(500 * 4096, 20 * 4096));
            var zaps = Events<Invalidated>();
            Assert.Equal(2, zaps.Length);
            Assert.Equal(new Invalidated(0, 0, 500, 512, InvalidationCause.PunchHole) { Sequence = zaps[0].Sequence }, zaps[0]);
            Assert.Equal(new Invalidated(0, 1, 0x100000, 0x100000 + 8, InvalidationCause.PunchHole) { Sequence = zaps[1].Sequence }, zaps[1]);
            host.CheckInvariants();
        }

        [Fact]
        public void An_offset_slot_maps_file_pages_through_its_base_gfn()
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(8 * MiB, GuestMemfdFlags.None));
            // Slot at gfn 0x1000 backed by file pages 256.. : index(gfn) = gfn - 0x1000 + 256.
            vm.SetUserMemoryRegion2(Slot(3, 0x1000000, 1 * MiB, file, 1 * MiB));
            file.Fallocate(FallocateRequest.PunchHole(300 * 4096, 4096));
            var zap = Assert.Single(Events<Invalidated>());
            Assert.Equal((0x1000UL + 300 - 256, 0x1000UL + 301 - 256), (zap.GfnStart, zap.GfnEnd));
        }

        [Fact]
        public void Punching_unbound_pages_zaps_nothing_but_frees_them()
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(4 * MiB, GuestMemfdFlags.None));
            file.Fallocate(FallocateRequest.Allocate(0, 16 * 4096));
            Assert.Equal(16UL, Assert.Single(Events<PagesAllocated>()).NewPages);
            file.Fallocate(FallocateRequest.PunchHole(4 * 4096, 4 * 4096));
            Assert.Empty(Events<Invalidated>());
            Assert.Equal(4UL, Assert.Single(Events<PagesFreed>()).FreedPages);
        }

        [Fact]
        public void Slot_delete_zaps_the_whole_slot_then_reports_the_delete()
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(2 * MiB, GuestMemfdFlags.None));
            vm.SetUserMemoryRegion2(Slot(7, 0x200000, 2 * MiB, file, 0));
            vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(7));
            var tail = host.Events.Since(0).Skip(host.Events.Since(0).Count - 2).ToArray();
            Assert.Equal(new Invalidated(0, 7, 0x200, 0x400, InvalidationCause.SlotDelete) { Sequence = tail[0].Sequence }, tail[0]);
            Assert.IsType<SlotDeleted>(tail[1]);
        }

        [Fact]
        public void A_refused_request_emits_nothing_and_changes_nothing()
        {
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(2 * MiB, GuestMemfdFlags.None));
            vm.SetUserMemoryRegion2(Slot(0, 0, 2 * MiB, file, 0));
            long before = host.Events.TotalAppended;
            Assert.Throws<GmemException>(() => vm.SetUserMemoryRegion2(Slot(1, 4 * MiB, 2 * MiB, file, 0)));
            Assert.Throws<GmemException>(() => file.Fallocate(FallocateRequest.Allocate(2 * (long)MiB, 4096)));
            Assert.Equal(before, host.Events.TotalAppended);
            host.CheckInvariants();
        }

        [Fact]
        public void The_event_log_is_a_bounded_ring_that_still_counts_everything()
        {
            var log = new EventLog(capacity: 4);
            for (int i = 0; i < 10; i++) log.Append(new SlotDeleted(0, i));
            var kept = log.Since(0);
            Assert.Equal(new[] { 7L, 8, 9, 10 }, kept.Select(e => e.Sequence));
            Assert.Equal(10, log.CountsByKind["SlotDeleted"]);
            Assert.Equal(new[] { 10L }, log.Since(9).Select(e => e.Sequence));
        }

        [Fact]
        public void Logs_sharing_a_sequence_number_as_one_order_and_Since_still_finds_the_rest_of_each()
        {
            var shared = new EventSequence();
            var first = new EventLog(capacity: 4);
            var second = new EventLog(capacity: 4);
            first.NumberFrom(shared);
            second.NumberFrom(shared);
            for (int i = 0; i < 6; i++) (i % 3 == 0 ? second : first).Append(new SlotDeleted(0, i));
            // first got 2, 3, 5, 6; second got 1, 4 (numbers 1..6 in the order appended, across both logs).
            Assert.Equal(new[] { 2L, 3, 5, 6 }, first.Since(0).Select(e => e.Sequence));
            Assert.Equal(new[] { 1L, 4 }, second.Since(0).Select(e => e.Sequence));
            Assert.Equal(new[] { 5L, 6 }, first.Since(4).Select(e => e.Sequence));
            Assert.Empty(second.Since(4));
            for (int i = 0; i < 3; i++) first.Append(new SlotDeleted(0, 10 + i)); // the ring keeps 6, 7, 8, 9
            Assert.Equal(new[] { 6L, 7, 8, 9 }, first.Since(2).Select(e => e.Sequence));
            Assert.Equal(new[] { 8L, 9 }, first.Since(7).Select(e => e.Sequence));
            Assert.Equal(7, first.TotalAppended);
        }
    }
}
