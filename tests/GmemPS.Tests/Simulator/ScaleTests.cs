using System.Diagnostics;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Simulator
{
    /// <summary>Ranges, not pages: a 1 TiB file bound into 32,764 slots costs memory per range. No timing asserts
    /// here (speed targets live in benchmarks/); the test prints what it measured.</summary>
    public sealed class ScaleTests
    {
        private readonly ITestOutputHelper output;

        public ScaleTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public void A_1_TiB_file_in_32764_slots_is_held_as_ranges()
        {
            const ulong TiB = 1UL << 40;
            ulong slotSize = (TiB / KvmLimits.UserMemSlots) & ~(ulong)(KvmLimits.PageSize - 1);
            long before = System.GC.GetTotalMemory(forceFullCollection: true);
            var clock = Stopwatch.StartNew();
            var host = new SimulatorHost();
            var vm = host.CreateVm(0);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(TiB, GuestMemfdFlags.None));
            for (uint slot = 0; slot < KvmLimits.UserMemSlots; slot++)
                vm.SetUserMemoryRegion2(new UserMemoryRegion2(slot, MemslotFlags.GuestMemfd, slot * slotSize, slotSize, 0, slot * slotSize, (uint)file.Fd));
            file.Fallocate(FallocateRequest.Allocate(0, (long)TiB));
            file.Fallocate(FallocateRequest.PunchHole((long)(slotSize / 2) & ~(KvmLimits.PageSize - 1), (long)slotSize * 100));
            var bind = clock.Elapsed;
            host.CheckInvariants();
            long after = System.GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"1 TiB file, {KvmLimits.UserMemSlots} slots of {Hex.Size(slotSize)}: {bind.TotalMilliseconds:F0} ms, {(after - before) / 1024} KiB managed");
            Assert.Equal(KvmLimits.UserMemSlots, host.Kernel.LiveVms[0].Slots.Count);
            // Memory is per range (slots, bindings, two allocation ranges), not per page: 2^28 pages would need GiBs.
            Assert.True(after - before < 64L << 20, $"{after - before} bytes for ranges");
            Assert.Throws<GmemException>(() => vm.SetUserMemoryRegion2(
                new UserMemoryRegion2(KvmLimits.UserMemSlots, MemslotFlags.GuestMemfd, TiB, 4096, 0, 0, (uint)file.Fd)));
        }
    }
}
