using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// The simulator against the kernel on the same operation sequences: gmem_bench.c's loops at 1,000, 8,000 and
    /// 32,764 slots, with a file just big enough and with a 1 TiB file (slots spread over it), and a guest access.
    /// The kernel is measured in the same run when /dev/kvm and the C program are there; kernel-facts.md's
    /// figures are printed beside it. Target: simulator ≤ 0.10 × kernel per operation.
    /// </summary>
    internal static class SimulatorVsKernel
    {
        public const double Target = 0.10;
        public const ulong TiB = 1UL << 40;
        /// <summary>Simulator calls take well under a microsecond: timed in batches of this many (see Median.PerCall).</summary>
        public const int Batch = 50;
        public static readonly int[] SlotCounts = { 1000, 8000, KvmLimits.UserMemSlots };

        /// <summary>shared/kernel-facts.md, "Raw cost of the operations" (µs per op); NaN where it has no figure.</summary>
        private static double KernelFacts(string operation, int slots) => (operation, slots) switch
        {
            ("bind", 1000) => 14,
            ("bind", 8000) => 29,
            ("delete", 1000) => 18,
            ("delete", 8000) => 41,
            ("allocate", _) => 1.0,
            ("punch", _) => 1.9,
            _ => double.NaN,
        };

        public static void Run(string? native, int rounds, Plot plot)
        {
            Median.WarmUp(() =>
            {
                OperationLoops.Run(new SimulatorHost(), 2000, 2000 * OperationLoops.Page, Batch);
                OperationLoops.Run(new SimulatorHost(), 2000, TiB, Batch);
                GuestAccess(2000, rounds: 1);
            });
            var table = new Table("slots", "file", "operation", "kernel µs (kernel-facts)", "kernel µs (this run)", "simulator µs", "sim / kernel-facts", "sim / this run");
            var verdict = new Verdict();
            foreach (int slots in SlotCounts)
            {
                foreach (ulong fileBytes in new[] { (ulong)slots * OperationLoops.Page, TiB })
                {
                    var kernel = native == null ? null
                        : Enumerable.Range(0, rounds).Select(_ => NativeRound.Loops(native, slots, fileBytes)).ToList();
                    var simulator = Enumerable.Range(0, rounds).Select(_ => OperationLoops.Run(new SimulatorHost(), slots, fileBytes, Batch)).ToList();
                    foreach (string op in OperationLoops.Operations)
                    {
                        double measured = kernel == null ? double.NaN : Median.Of(kernel.Select(r => r[op]));
                        double facts = fileBytes == TiB ? double.NaN : KernelFacts(op, slots);
                        double sim = Median.Of(simulator.Select(r => r[op]));
                        verdict.Add(sim, facts, measured);
                        table.Add(slots, fileBytes == TiB ? "1 TiB" : "just enough", op, facts, measured, sim, Table.Ratio(sim / facts, Target), Table.Ratio(sim / measured, Target));
                        if (fileBytes != TiB) plot.Add($"{op} (n = slots)", slots, sim);
                    }
                }
            }

            double kernelAccess = native == null ? double.NaN
                : Median.Of(Enumerable.Range(0, rounds).Select(_ => NativeRound.Run(native, "--guest-access", "5000")["guest_access"]));
            foreach (int slots in SlotCounts)
            {
                var (first, again) = GuestAccess(slots, rounds: 3);
                table.Add(slots, "just enough", "guest read, first touch", double.NaN, kernelAccess, first, "–", Table.Ratio(first / kernelAccess, Target));
                table.Add(slots, "just enough", "guest read", double.NaN, kernelAccess, again, "–", Table.Ratio(again / kernelAccess, Target));
                verdict.Add(first, double.NaN, kernelAccess);
                verdict.Add(again, double.NaN, kernelAccess);
                plot.Add("guest read (n = slots)", slots, again);
            }
            table.Print($"Simulator vs kernel, µs per operation (median; simulator in batches of {Batch}; target ≤ {Target:F2}×)");
            Console.WriteLine();
            Console.WriteLine(verdict.Describe());
            Console.WriteLine("Kernel guest read: KVM_SET_REGS + KVM_RUN of a real-mode \"mov al,[0x2000]; hlt\" (gmem_bench --guest-access). " +
                "The kernel's figures are per call (gmem_bench.c reads the clock around each call, ~25 ns included).");
        }

        /// <summary>The worst ratio against each reference: kernel-facts.md where it has the figure, else this run's kernel.</summary>
        private sealed class Verdict
        {
            private double worstFacts, worstThisRun;
            private int rows, withinThisRun;

            public void Add(double simulator, double facts, double thisRun)
            {
                rows++;
                double reference = double.IsNaN(facts) ? thisRun : facts;
                if (!double.IsNaN(reference)) worstFacts = Math.Max(worstFacts, simulator / reference);
                if (double.IsNaN(thisRun)) return;
                worstThisRun = Math.Max(worstThisRun, simulator / thisRun);
                if (simulator / thisRun <= Target) withinThisRun++;
            }

            public string Describe() =>
                $"Against kernel-facts.md (this run's kernel where it has no figure): worst {F(worstFacts)}× {(worstFacts <= Target ? "✓" : "✗")}. " +
                (withinThisRun == 0 && worstThisRun == 0 ? "The kernel was not measured in this run."
                    : $"Against this run's kernel alone: worst {F(worstThisRun)}×, {withinThisRun} of {rows} rows ≤ {Target:F2}×.");

            private static string F(double ratio) => ratio.ToString("F3", CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// A vCPU reads 8 bytes of each slot of an MMAP|INIT_SHARED guest_memfd (upstream x86: a gmem-only slot
        /// faults from the file): first touch allocates the page, the second pass finds it.
        /// </summary>
        private static (double First, double Again) GuestAccess(int slots, int rounds)
        {
            var first = new List<double>();
            var again = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                using var host = new SimulatorHost(SimulatorProfile.Upstream);
                using var vm = host.CreateVm(0);
                using var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest((ulong)slots * OperationLoops.Page, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
                for (int i = 0; i < slots; i++)
                    vm.SetUserMemoryRegion2(new UserMemoryRegion2((uint)i, MemslotFlags.GuestMemfd, (ulong)i * OperationLoops.Page, OperationLoops.Page, 0, (ulong)i * OperationLoops.Page, (uint)file.Fd));
                if (!vm.GuestRead(8, 8).Completed) throw new InvalidOperationException("the simulated guest read did not complete");
                first.Add(Median.PerCall(slots, Batch, i => vm.GuestRead((ulong)i * OperationLoops.Page + 8, 8)));
                again.Add(Median.PerCall(slots, Batch, i => vm.GuestRead((ulong)i * OperationLoops.Page + 8, 8)));
            }
            return (Median.Of(first), Median.Of(again));
        }
    }
}
