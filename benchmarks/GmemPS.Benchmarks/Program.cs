using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GmemPS.Kvm;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// Usage: GmemPS.Benchmarks --native PATH [--rounds N] [--pages N]
    /// Interleaves rounds of the C program and of the same loops in C# (so both see the same machine
    /// state), then prints the median of the per-round medians and the C#/C ratio per operation.
    /// </summary>
    internal static class Program
    {
        private static readonly string[] Operations = { "bind", "delete", "allocate", "punch" };

        private static int Main(string[] args)
        {
            string? native = Option(args, "--native");
            int rounds = int.Parse(Option(args, "--rounds") ?? "7", CultureInfo.InvariantCulture);
            int pages = int.Parse(Option(args, "--pages") ?? "8000", CultureInfo.InvariantCulture);
            if (native == null)
            {
                Console.Error.WriteLine("usage: GmemPS.Benchmarks --native PATH [--rounds N] [--pages N]");
                return 2;
            }

            using var host = KvmHost.Open();
            ManagedRound.Run(host, 500); // JIT and tiering warm-up, not measured
            var c = new List<Dictionary<string, double>>();
            var managed = new List<Dictionary<string, double>>();
            for (int round = 0; round < rounds; round++)
            {
                c.Add(NativeRound.Run(native, pages));
                managed.Add(ManagedRound.Run(host, pages));
            }

            Console.WriteLine($"{pages} pages/slots per loop, {rounds} interleaved rounds; median of per-round medians (µs per op)");
            Console.WriteLine($"{"operation",-10} {"C",9} {"C#",9} {"C#/C",7}");
            foreach (string op in Operations)
            {
                double cMedian = Median.Of(c.Select(r => r[op]));
                double csMedian = Median.Of(managed.Select(r => r[op]));
                Console.WriteLine($"{op,-10} {cMedian,9:F3} {csMedian,9:F3} {csMedian / cMedian,6:F2}x");
            }
            HostAccessLatency.Print(iterations: 2000);
            return 0;
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
