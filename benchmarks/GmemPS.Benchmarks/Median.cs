using System;
using System.Collections.Generic;
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

        /// <summary>Stopwatch ticks to microseconds.</summary>
        public static double Microseconds(long ticks) => ticks * 1e6 / System.Diagnostics.Stopwatch.Frequency;
    }
}
