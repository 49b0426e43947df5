using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace GmemPS.Benchmarks
{
    internal static class Median
    {
        public static double Of(IEnumerable<double> samples)
        {
            double[] sorted = samples.OrderBy(x => x).ToArray();
            if (sorted.Length == 0) return double.NaN;
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        /// <summary>
        /// Runs the workload again and again for a while before anything is measured: .NET compiles a method quickly
        /// first, then instrumented, then optimised with what the instrumentation saw, a step per 100 ms or so of use.
        /// The tables report that last, steady state — what a long PowerShell session runs.
        /// </summary>
        public static void WarmUp(Action workload, double seconds = 2)
        {
            var clock = Stopwatch.StartNew();
            do workload(); while (clock.Elapsed.TotalSeconds < seconds);
        }

        /// <summary>Stopwatch ticks to microseconds.</summary>
        public static double Microseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

        /// <summary>
        /// Runs op(0) … op(count − 1) in order and returns the median µs per call. batch 1 times every call alone
        /// (what gmem_bench.c does); a larger batch times that many consecutive calls together and takes the median
        /// of their per-call means, for calls so short that reading the clock would be most of what is measured.
        /// </summary>
        public static double PerCall(int count, int batch, Action<int> op)
        {
            var samples = new double[(count + batch - 1) / batch];
            for (int i = 0, s = 0; i < count; i += batch, s++)
            {
                int end = Math.Min(count, i + batch);
                long start = Stopwatch.GetTimestamp();
                for (int j = i; j < end; j++) op(j);
                samples[s] = Microseconds(Stopwatch.GetTimestamp() - start) / (end - i);
            }
            return Of(samples);
        }
    }
}
