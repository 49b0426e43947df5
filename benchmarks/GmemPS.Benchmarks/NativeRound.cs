using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace GmemPS.Benchmarks
{
    /// <summary>Runs one round of the C program and reads its "operation median_us" lines.</summary>
    internal static class NativeRound
    {
        public static Dictionary<string, double> Run(string binary, int pages)
        {
            var start = new ProcessStartInfo(binary, pages.ToString(CultureInfo.InvariantCulture))
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {binary}");
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{binary} failed: {errors}");
            var medians = new Dictionary<string, double>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ');
                medians[parts[0]] = double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            return medians;
        }
    }
}
