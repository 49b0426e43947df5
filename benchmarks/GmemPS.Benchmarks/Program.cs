using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// Usage: GmemPS.Benchmarks [--native PATH] [--rounds N] [--results DIR] [--only kvm,simulator,fragmented,mix,memory,events,hostaccess]
    /// Prints one markdown table per section; with --native (gmem_bench built from native/gmem_bench.c) the kernel
    /// is measured in the same run. benchmarks/run.sh builds both and runs everything.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            string? native = Option(args, "--native");
            int rounds = int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
            string results = Option(args, "--results") ?? "results";
            var only = (Option(args, "--only") ?? "kvm,simulator,fragmented,mix,memory,events,hostaccess").Split(',');
            bool kvm = File.Exists("/dev/kvm") && native != null;
            if (native != null && !File.Exists(native))
            {
                Console.Error.WriteLine($"no such program: {native}");
                return 2;
            }
            Console.WriteLine($"GmemPS benchmarks: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {(kvm ? "kernel measured in this run" : "no /dev/kvm or C program: kernel figures from kernel-facts.md")}");

            var plot = new Plot();
            if (only.Contains("kvm"))
            {
                if (kvm) KvmVsNative.Run(native!, rounds, pages: 8000);
                else Console.WriteLine("(Kvm vs C skipped: it needs /dev/kvm and --native)");
            }
            if (only.Contains("simulator")) SimulatorVsKernel.Run(kvm ? native : null, rounds, plot);
            if (only.Contains("fragmented")) FragmentedRanges.Run(plot);
            if (only.Contains("mix")) RandomMix.Run(seed: 42);
            if (only.Contains("memory")) MemoryFootprint.Run();
            if (only.Contains("events")) EventLogBound.Run();
            if (only.Contains("hostaccess") && kvm) HostAccessLatency.Print(iterations: 2000);
            if (only.Contains("simulator") || only.Contains("fragmented"))
            {
                Directory.CreateDirectory(results);
                string svg = Path.Combine(results, "scaling.svg");
                plot.Write(svg);
                Console.WriteLine();
                Console.WriteLine($"Scaling curves plotted in {Path.GetFullPath(svg)}");
            }
            return 0;
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
