using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// The scaling curves as a hand-written SVG: µs per operation against n (slots, or fragmented ranges) on
    /// log-log axes. On those axes a cost that grows with log n is nearly flat and a linear one climbs at 45°.
    /// </summary>
    internal sealed class Plot
    {
        private readonly SortedDictionary<string, SortedDictionary<double, double>> series = new SortedDictionary<string, SortedDictionary<double, double>>(StringComparer.Ordinal);

        public void Add(string name, double n, double microseconds)
        {
            if (!series.TryGetValue(name, out var points)) series[name] = points = new SortedDictionary<double, double>();
            points[n] = microseconds;
        }

        private static readonly string[] Colours = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

        public void Write(string path)
        {
            const double width = 760, height = 460, left = 70, right = 230, top = 40, bottom = 50;
            var all = series.Values.SelectMany(p => p).ToList();
            if (all.Count == 0) return;
            double xMin = Math.Floor(Math.Log10(all.Min(p => p.Key))), xMax = Math.Ceiling(Math.Log10(all.Max(p => p.Key)));
            double yMin = Math.Floor(Math.Log10(all.Min(p => p.Value))), yMax = Math.Ceiling(Math.Log10(all.Max(p => p.Value)));
            if (yMax == yMin) yMax++;
            double X(double n) => left + (Math.Log10(n) - xMin) / (xMax - xMin) * (width - left - right);
            double Y(double us) => height - bottom - (Math.Log10(us) - yMin) / (yMax - yMin) * (height - top - bottom);
            string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

            var svg = new StringBuilder();
            svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
            svg.AppendLine($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
            svg.AppendLine($"<text x=\"{left}\" y=\"22\" font-size=\"14\">GmemPS simulator: µs per operation vs n (log-log)</text>");
            for (double e = xMin; e <= xMax; e++)
            {
                svg.AppendLine($"<line x1=\"{F(X(Math.Pow(10, e)))}\" y1=\"{top}\" x2=\"{F(X(Math.Pow(10, e)))}\" y2=\"{height - bottom}\" stroke=\"#ddd\"/>");
                svg.AppendLine($"<text x=\"{F(X(Math.Pow(10, e)))}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">10<tspan dy=\"-6\" font-size=\"9\">{e}</tspan></text>");
            }
            for (double e = yMin; e <= yMax; e++)
            {
                svg.AppendLine($"<line x1=\"{left}\" y1=\"{F(Y(Math.Pow(10, e)))}\" x2=\"{width - right}\" y2=\"{F(Y(Math.Pow(10, e)))}\" stroke=\"#ddd\"/>");
                svg.AppendLine($"<text x=\"{left - 6}\" y=\"{F(Y(Math.Pow(10, e)) + 4)}\" text-anchor=\"end\">{Math.Pow(10, e).ToString("G", CultureInfo.InvariantCulture)}</text>");
            }
            svg.AppendLine($"<text x=\"{F((left + width - right) / 2)}\" y=\"{height - 12}\" text-anchor=\"middle\">n (slots, or fragmented ranges)</text>");
            svg.AppendLine($"<text transform=\"translate(16,{F((top + height - bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\">µs per operation</text>");
            // What a cost proportional to n would look like over one decade, for comparison.
            double refX = Math.Pow(10, xMin), refY = Math.Pow(10, yMin) * 1.5;
            svg.AppendLine($"<line x1=\"{F(X(refX))}\" y1=\"{F(Y(refY))}\" x2=\"{F(X(refX * 10))}\" y2=\"{F(Y(refY * 10))}\" stroke=\"#999\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>");
            svg.AppendLine($"<text x=\"{F(X(refX) + 14)}\" y=\"{F(Y(refY) + 4)}\" fill=\"#777\">slope of a cost ∝ n</text>");
            int index = 0;
            foreach (var (name, points) in series)
            {
                string colour = Colours[index % Colours.Length];
                string line = string.Join(" ", points.Select(p => $"{F(X(p.Key))},{F(Y(p.Value))}"));
                svg.AppendLine($"<polyline points=\"{line}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
                foreach (var p in points) svg.AppendLine($"<circle cx=\"{F(X(p.Key))}\" cy=\"{F(Y(p.Value))}\" r=\"3\" fill=\"{colour}\"/>");
                double ly = top + 10 + index * 18;
                svg.AppendLine($"<line x1=\"{width - right + 12}\" y1=\"{F(ly)}\" x2=\"{width - right + 32}\" y2=\"{F(ly)}\" stroke=\"{colour}\" stroke-width=\"2\"/>");
                svg.AppendLine($"<text x=\"{width - right + 38}\" y=\"{F(ly + 4)}\">{System.Security.SecurityElement.Escape(name)}</text>");
                index++;
            }
            svg.AppendLine("</svg>");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, svg.ToString());
        }
    }
}
