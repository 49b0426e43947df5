using System;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// What the simulator holds in memory: bytes per live range (a bare interval map, and a whole simulated VM with
    /// 32,764 slots), and the same layout in a 1 GiB and a 1 TiB guest, which must cost the same. Measured as the
    /// managed heap after a full collection, before and after; the bounded event ring is filled first so it does
    /// not count. Target: ≤ 256 bytes per live range.
    /// </summary>
    internal static class MemoryFootprint
    {
        public const double TargetBytesPerRange = 256;
        private const ulong Page = (ulong)OperationLoops.Page;
        private const ulong GiB = 1UL << 30;

        public static void Run()
        {
            var table = new Table("what", "live ranges", "bytes", "bytes per range", "target");
            {
                const int n = 1_000_000;
                long before = GC.GetTotalMemory(forceFullCollection: true);
                var map = new IntervalMap<object>();
                var value = new object();
                for (ulong i = 0; i < n; i++) map.Set(2 * i, 2 * i + 1, value);
                long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
                table.Add("an interval map, 10^6 separate ranges", n, bytes, (double)bytes / n, Verdict((double)bytes / n));
                GC.KeepAlive(map);
            }
            {
                int slots = KvmLimits.UserMemSlots;
                var host = new SimulatorHost();
                var vm = host.CreateVm(0);
                var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(SimulatorVsKernel.TiB, GuestMemfdFlags.None));
                FragmentedRanges.FillEventRing(file);
                long before = GC.GetTotalMemory(forceFullCollection: true);
                ulong stride = SimulatorVsKernel.TiB / (ulong)slots / Page * Page;
                for (int i = 0; i < slots; i++)
                    vm.SetUserMemoryRegion2(new UserMemoryRegion2((uint)i, MemslotFlags.GuestMemfd, (ulong)i * Page, Page, 0, (ulong)i * stride, (uint)file.Fd));
                long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
                // Each slot is two ranges (its gfns in the VM, its pages in the file's bindings) plus the memslot itself.
                table.Add($"{slots:N0} slots over a 1 TiB file (memslot + gfn range + binding, per slot / 2)", 2 * slots, bytes, bytes / (2.0 * slots), Verdict(bytes / (2.0 * slots)));
                GC.KeepAlive(host);
            }
            table.Print("Simulator memory per live range (managed heap after a full GC)");

            long small = Layout(GiB), large = Layout(SimulatorVsKernel.TiB);
            var same = new Table("guest", "layout", "bytes");
            same.Add("1 GiB", "512 slots; per slot 16 pages allocated, 1 punched, 4 gfns private, 1 page written by the guest", small);
            same.Add("1 TiB", "the same, every offset × 1024", large);
            same.Print("Simulator memory: the same layout in a 1 GiB and a 1 TiB guest");
            Console.WriteLine();
            Console.WriteLine($"1 TiB / 1 GiB: {(double)large / small:F3} (the guest size is not in the cost; the ranges are).");
        }

        private static string Verdict(double bytesPerRange) => bytesPerRange <= TargetBytesPerRange ? "≤ 256 ✓" : "≤ 256 ✗";

        /// <summary>Managed bytes a whole simulated guest of this size takes, with a layout that does not depend on the size.</summary>
        private static long Layout(ulong guestBytes)
        {
            const int slots = 512;
            ulong slotBytes = guestBytes / slots;
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var host = new SimulatorHost(SimulatorProfile.SwProtected);
            var vm = host.CreateVm((ulong)VmType.SwProtected);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(guestBytes, GuestMemfdFlags.None));
            for (int i = 0; i < slots; i++)
            {
                ulong at = (ulong)i * slotBytes;
                vm.SetUserMemoryRegion2(new UserMemoryRegion2((uint)i, MemslotFlags.GuestMemfd, at, slotBytes, 0, at, (uint)file.Fd));
                file.Fallocate(FallocateRequest.Allocate((long)at, 16 * (long)Page));
                file.Fallocate(FallocateRequest.PunchHole((long)(at + 3 * Page), (long)Page));
                vm.SetMemoryAttributes(new MemoryAttributesRequest(at, 4 * Page, MemoryAttributes.Private));
                vm.GuestWrite(at + 8, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            }
            long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
            GC.KeepAlive(host);
            return bytes;
        }
    }
}
