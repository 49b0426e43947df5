using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GmemPS.Benchmarks
{
    /// <summary>A markdown table printed to stdout (so a run's output pastes into the README as it is).</summary>
    internal sealed class Table
    {
        private readonly string[] headers;
        private readonly List<string[]> rows = new List<string[]>();

        public Table(params string[] headers) => this.headers = headers;

        public void Add(params object[] cells) => rows.Add(cells.Select(Format).ToArray());

        public void Print(string title)
        {
            Console.WriteLine();
            Console.WriteLine($"### {title}");
            Console.WriteLine();
            Console.WriteLine("| " + string.Join(" | ", headers) + " |");
            Console.WriteLine("|" + string.Concat(headers.Select(_ => "---|")));
            foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
        }

        /// <summary>Numbers with three significant digits (at least), integers with thousands separators.</summary>
        public static string Format(object cell) => cell switch
        {
            double d when double.IsNaN(d) => "–",
            double d when Math.Abs(d) >= 100 => d.ToString("N0", CultureInfo.InvariantCulture),
            double d when Math.Abs(d) >= 10 => d.ToString("F1", CultureInfo.InvariantCulture),
            double d when Math.Abs(d) >= 1 => d.ToString("F2", CultureInfo.InvariantCulture),
            double d => d.ToString("F3", CultureInfo.InvariantCulture),
            int i => i.ToString("N0", CultureInfo.InvariantCulture),
            long l => l.ToString("N0", CultureInfo.InvariantCulture),
            ulong u => u.ToString("N0", CultureInfo.InvariantCulture),
            _ => cell?.ToString() ?? string.Empty,
        };

        /// <summary>"0.04× ✓" when the ratio meets the target, "0.31× ✗" when it does not.</summary>
        public static string Ratio(double ratio, double target) =>
            double.IsNaN(ratio) ? "–" : $"{ratio.ToString(ratio < 0.1 ? "F3" : "F2", CultureInfo.InvariantCulture)}× {(ratio <= target ? "✓" : "✗")}";
    }
}
