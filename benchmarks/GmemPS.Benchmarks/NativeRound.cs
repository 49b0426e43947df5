using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace GmemPS.Benchmarks
{
    /// <summary>Runs gmem_bench.c once and reads its "operation value" lines.</summary>
    internal static class NativeRound
    {
        public static Dictionary<string, double> Run(string binary, params string[] arguments)
        {
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {binary}");
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{binary} {string.Join(" ", arguments)} failed: {errors}");
            var values = new Dictionary<string, double>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ');
                values[parts[0]] = double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            return values;
        }

        /// <summary>The loops: bind/allocate/punch/delete medians (µs).</summary>
        public static Dictionary<string, double> Loops(string binary, int pages, ulong fileBytes) =>
            Run(binary, pages.ToString(CultureInfo.InvariantCulture), fileBytes.ToString(CultureInfo.InvariantCulture));
    }
}
