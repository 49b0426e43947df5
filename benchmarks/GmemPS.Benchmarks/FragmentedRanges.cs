using System;
using System.Globalization;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// The simulator's cost per operation as ranges pile up: a 1 TiB guest_memfd whose pages alternate allocated and
    /// free, in a SW_PROTECTED VM whose gfns alternate private and shared, n ranges of each (n = 10^3 … 10^6). At
    /// random places: allocate a free page (three ranges merge) and punch it again (they split), convert a shared
    /// gfn to private and back, a guest read of a private page. With a tree the cost grows with log n; the sorted
    /// array it replaced grew with n (measured before the change: alloc + punch 1.1 µs at 10^3, 78 µs at 10^5).
    /// </summary>
    internal static class FragmentedRanges
    {
        public static readonly int[] Sizes = { 1_000, 10_000, 100_000, 1_000_000 };
        private const int Samples = 20_000;
        private const int Batch = 50;
        private const long Page = OperationLoops.Page;

        public static void Run(Plot plot)
        {
            Median.WarmUp(() => Measure(Sizes[1], samples: 2000));
            var table = new Table("ranges n", "build (s)", "allocate µs", "punch µs", "convert µs", "guest read µs", "bytes per range");
            double[]? first = null, last = null;
            foreach (int n in Sizes)
            {
                var (build, perOp, bytesPerRange) = Measure(n, Samples);
                table.Add(n, build, perOp[0], perOp[1], perOp[2], perOp[3], bytesPerRange);
                plot.Add("allocate (n = file ranges)", n, perOp[0]);
                plot.Add("punch (n = file ranges)", n, perOp[1]);
                plot.Add("convert (n = attribute ranges)", n, perOp[2]);
                plot.Add("guest read (n = both)", n, perOp[3]);
                first ??= perOp;
                last = perOp;
            }
            table.Print("Simulator, fragmented ranges: µs per operation at n ranges (median, batches of 50, random places)");
            double logGrowth = Math.Log(Sizes[Sizes.Length - 1]) / Math.Log(Sizes[0]);
            Console.WriteLine();
            Console.WriteLine($"Growth from n = {Sizes[0]:N0} to {Sizes[Sizes.Length - 1]:N0} (×{Sizes[Sizes.Length - 1] / Sizes[0]:N0} ranges): " +
                string.Join(", ", new[] { "allocate", "punch", "convert", "guest read" }.Select((op, i) => $"{op} ×{(last![i] / first![i]).ToString("F1", CultureInfo.InvariantCulture)}")) +
                $". log n grows ×{logGrowth.ToString("F1", CultureInfo.InvariantCulture)}; n grows ×{Sizes[Sizes.Length - 1] / Sizes[0]:N0}. " +
                "Beyond the log, what remains is the CPU cache: 10^6 ranges no longer fit in it, so each lookup misses a few times.");
        }

        private static (double BuildSeconds, double[] PerOp, double BytesPerRange) Measure(int n, int samples)
        {
            ulong pages = 2UL * (ulong)n + 2;
            var host = new SimulatorHost(SimulatorProfile.SwProtected);
            var vm = host.CreateVm((ulong)VmType.SwProtected);
            var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(SimulatorVsKernel.TiB, GuestMemfdFlags.None));
            vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, pages * Page, 0, 0, (uint)file.Fd));
            FillEventRing(file);
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < n; i++)
            {
                file.Fallocate(FallocateRequest.Allocate(2L * i * Page, Page));
                vm.SetMemoryAttributes(new MemoryAttributesRequest(2UL * (ulong)i * Page, Page, MemoryAttributes.Private));
            }
            double build = clock.Elapsed.TotalSeconds;
            long after = GC.GetTotalMemory(forceFullCollection: true);
            double bytesPerRange = (after - before) / (2.0 * n);

            var random = new Random(n);
            var gaps = Enumerable.Range(0, samples).Select(_ => (2L * random.Next(n) + 1) * Page).ToArray();
            var privates = Enumerable.Range(0, samples).Select(_ => 2UL * (ulong)random.Next(n) * Page).ToArray();
            var perOp = new double[4];
            // Each batch changes ranges and then undoes the change, so n stays where it is.
            var allocate = new double[samples / Batch];
            var punch = new double[samples / Batch];
            var convert = new double[samples / Batch];
            for (int b = 0; b < samples / Batch; b++)
            {
                int from = b * Batch;
                allocate[b] = Time(from, i => file.Fallocate(FallocateRequest.Allocate(gaps[i], Page)));
                punch[b] = Time(from, i => file.Fallocate(FallocateRequest.PunchHole(gaps[i], Page)));
                convert[b] = Time(from, i =>
                {
                    vm.SetMemoryAttributes(new MemoryAttributesRequest((ulong)gaps[i], Page, MemoryAttributes.Private));
                    vm.SetMemoryAttributes(new MemoryAttributesRequest((ulong)gaps[i], Page, MemoryAttributes.None));
                }) / 2;
            }
            perOp[0] = Median.Of(allocate);
            perOp[1] = Median.Of(punch);
            perOp[2] = Median.Of(convert);
            perOp[3] = Median.PerCall(samples, Batch, i => vm.GuestRead(privates[i] + 8, 8));
            if (!vm.GuestRead(privates[0], 8).Completed) throw new InvalidOperationException("a private guest read did not complete");
            GC.KeepAlive(host);
            return (build, perOp, bytesPerRange);
        }

        private static double Time(int from, Action<int> op)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = from; i < from + Batch; i++) op(i);
            return Median.Microseconds(System.Diagnostics.Stopwatch.GetTimestamp() - start) / Batch;
        }

        /// <summary>
        /// Fills the host's bounded event ring with events of the size the build emits, far from the measured pages,
        /// so the memory measured next is the ranges' (the ring costs the same before and after).
        /// </summary>
        public static void FillEventRing(IGuestMemfd file)
        {
            long far = (long)(SimulatorVsKernel.TiB / 2);
            for (int i = 0; i < Events.EventLog.DefaultCapacity; i++)
                file.Fallocate(FallocateRequest.Allocate(far, Page));
            file.Fallocate(FallocateRequest.PunchHole(far, Page));
        }
    }
}
