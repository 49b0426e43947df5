using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using GmemPS.Kernel;

namespace GmemPS.Lab.Map
{
    /// <summary>
    /// The gpa map as a self-contained SVG picture (what Export-GmemMap writes): per VM a gpa axis with one
    /// bar (<c>rect class="slot"</c>) per memslot coloured by attribute state, hex addresses at every
    /// boundary, gaps drawn as broken axis pieces, and the VM's guest_memfd files below with a line from each
    /// slot to the file range it is bound to.
    /// <para>
    /// The axis is piecewise and logarithmic: each slot and gap gets a width that grows with log2 of its size,
    /// so a 2 MiB slot at gpa 0 and another at 4 GiB are both visible, with the 4 GiB gap compressed between them.
    /// Within a file bar offsets are linear (a file is one object; its bound ranges are compared to each other).
    /// </para>
    /// Text goes through <see cref="XmlWriter"/>, so ids or names with &amp;, &lt; or quotes are escaped.
    /// </summary>
    public static class GmemMapSvg
    {
        public const string PrivateColour = "#c0392b";
        public const string SharedColour = "#2e86c1";
        public const string MixedColour = "#8e44ad";

        private const double Width = 1000, Margin = 20, PanelHeight = 260;
        private const double BarTop = 56, BarHeight = 36, AxisY = BarTop + BarHeight + 6;
        private const double FileTop = 190, FileHeight = 24;
        private const double SlotBase = 90, SlotPerLog = 10, GapBase = 40, GapPerLog = 3;

        public static string Render(GmemLab lab, IEnumerable<LabVm> vms)
        {
            var layouts = GmemMapLayout.Build(lab, vms);
            double height = Margin * 2 + 40 + Math.Max(1, layouts.Count) * PanelHeight;
            var sb = new StringBuilder();
            var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = "  " };
            using (var writer = XmlWriter.Create(new StringWriter(sb, CultureInfo.InvariantCulture), settings))
            {
                const string ns = "http://www.w3.org/2000/svg";
                writer.WriteStartElement("svg", ns);
                Attr(writer, "width", Width);
                Attr(writer, "height", height);
                writer.WriteAttributeString("viewBox", $"0 0 {N(Width)} {N(height)}");
                writer.WriteAttributeString("font-family", "monospace");
                writer.WriteAttributeString("font-size", "11");
                writer.WriteElementString("title", ns, "GmemPS gpa map");
                writer.WriteStartElement("style", ns);
                writer.WriteString(
                    ".slot{stroke:#1b2631;stroke-width:1} .closed-file{stroke-dasharray:4 3} " +
                    ".gap{stroke:#7f8c8d;stroke-dasharray:3 3} .binding{fill:none;stroke:#566573;stroke-width:1.2} " +
                    ".file{fill:#fdfefe;stroke:#1b2631} .bound-range{fill:#d5dbdb;stroke:#566573} .label{fill:#1b2631}");
                writer.WriteEndElement();
                Background(writer, height);

                double y = Margin;
                if (layouts.Count == 0) Text(writer, Margin, y + 20, "no VMs", "label");
                foreach (var layout in layouts)
                {
                    Panel(writer, layout, y);
                    y += PanelHeight;
                }
                Legend(writer, Margin + Math.Max(1, layouts.Count) * PanelHeight + 10);
                writer.WriteEndElement();
            }
            return sb.ToString();
        }

        private static void Panel(XmlWriter w, GmemMapLayout layout, double top)
        {
            var vm = layout.Vm;
            string backend = vm.Profile == null ? vm.Backend.ToString() : $"{vm.Backend} {vm.Profile}";
            w.WriteStartElement("g");
            w.WriteAttributeString("class", "vm");
            w.WriteAttributeString("data-vm", vm.Id);
            Text(w, Margin, top + 18, $"{vm.Id} ({backend}, type {vm.Type}, {vm.State})", "label", bold: true);

            if (layout.Regions.Count == 0)
            {
                Text(w, Margin, top + BarTop + 20, "no memslots", "label");
            }
            var xs = Scale(layout.Regions, Width - 2 * Margin);
            var slotCentres = new Dictionary<LabMemslot, double>();
            for (int i = 0; i < layout.Regions.Count; i++)
            {
                var region = layout.Regions[i];
                double x0 = Margin + xs[i], x1 = Margin + xs[i + 1];
                if (region.Kind == GpaRegionKind.Gap)
                    Gap(w, region, x0, x1, top);
                else
                    slotCentres[region.Slot!] = Slot(w, region, x0, x1, top);
                BoundaryLabel(w, x0, top, region.Start);
            }
            if (layout.Regions.Count > 0)
            {
                BoundaryLabel(w, Margin + xs[layout.Regions.Count], top, layout.Regions[layout.Regions.Count - 1].End);
                Line(w, Margin, top + AxisY, Margin + xs[layout.Regions.Count], top + AxisY, "axis", "#1b2631");
            }

            Files(w, layout, top, slotCentres);
            foreach (var span in layout.PrivateOutsideSlots)
                Text(w, Margin, top + PanelHeight - 12, $"private outside any slot: {GmemMapLayout.Range(span.Start, span.End)}", "label");
            w.WriteEndElement();
        }

        /// <summary>Cumulative x offsets: region i spans [xs[i], xs[i+1]). Widths grow with log2 of the size.</summary>
        private static double[] Scale(IReadOnlyList<GpaRegion> regions, double available)
        {
            var widths = regions.Select(r =>
            {
                double log = Math.Log(Math.Max(1.0, r.Size / (double)KvmLimits.PageSize), 2);
                return r.Kind == GpaRegionKind.Slot ? SlotBase + SlotPerLog * log : GapBase + GapPerLog * log;
            }).ToList();
            double total = widths.Sum();
            double factor = total > available ? available / total : 1.0;
            var xs = new double[regions.Count + 1];
            for (int i = 0; i < regions.Count; i++) xs[i + 1] = xs[i] + widths[i] * factor;
            return xs;
        }

        private static double Slot(XmlWriter w, GpaRegion region, double x0, double x1, double top)
        {
            var slot = region.Slot!;
            string colour = Colour(region.State);
            string file = slot.File == null ? $"anonymous memory at uaddr {Hex.Address(slot.UserspaceAddress)}"
                : $"{GmemMapLayout.FileName(slot.File)} {GmemMapLayout.Range(slot.Offset, slot.Offset + slot.Size)}";
            bool fileClosed = slot.File != null && slot.File.State != LabObjectState.Open;

            w.WriteStartElement("rect");
            w.WriteAttributeString("class", fileClosed ? "slot closed-file" : "slot");
            w.WriteAttributeString("data-slot", slot.Slot.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("data-state", region.State);
            Attr(w, "x", x0);
            Attr(w, "y", top + BarTop);
            Attr(w, "width", Math.Max(1, x1 - x0 - 2));
            Attr(w, "height", BarHeight);
            w.WriteAttributeString("fill", colour);
            w.WriteElementString("title",
                $"slot {slot.Slot}: gpa {GmemMapLayout.Range(region.Start, region.End)} ({GmemMapLayout.Size(region.Size)}), {file}, {region.State}");
            w.WriteEndElement();

            // A Mixed slot: mark its private ranges inside the bar (linear within the slot).
            if (region.Attributes.Count > 1)
            {
                double scale = (x1 - x0 - 2) / region.Size;
                foreach (var span in region.Attributes.Where(a => a.State == "Private"))
                {
                    w.WriteStartElement("rect");
                    w.WriteAttributeString("class", "attr-private");
                    Attr(w, "x", x0 + (span.Start - region.Start) * scale);
                    Attr(w, "y", top + BarTop + BarHeight - 8);
                    Attr(w, "width", Math.Max(1, (span.End - span.Start) * scale));
                    Attr(w, "height", 8);
                    w.WriteAttributeString("fill", PrivateColour);
                    w.WriteElementString("title", $"private {GmemMapLayout.Range(span.Start, span.End)}");
                    w.WriteEndElement();
                }
            }

            double centre = (x0 + x1) / 2;
            Text(w, centre, top + BarTop - 6, $"slot {slot.Slot} ({GmemMapLayout.Size(region.Size)})", "label", anchor: "middle");
            Text(w, centre, top + BarTop + BarHeight / 2 + 4, region.State, "label", anchor: "middle", fill: "#ffffff");
            return centre;
        }

        private static void Gap(XmlWriter w, GpaRegion region, double x0, double x1, double top)
        {
            double mid = top + BarTop + BarHeight / 2;
            Line(w, x0 + 2, mid, x1 - 4, mid, "gap", null);
            // The break marks say "not to scale".
            double bx = (x0 + x1) / 2;
            Line(w, bx - 5, mid + 8, bx - 1, mid - 8, "gap-break", "#7f8c8d");
            Line(w, bx + 1, mid + 8, bx + 5, mid - 8, "gap-break", "#7f8c8d");
            Text(w, bx, top + BarTop - 6, $"gap {GmemMapLayout.Size(region.Size)}", "label", anchor: "middle", fill: "#7f8c8d");
        }

        private static void BoundaryLabel(XmlWriter w, double x, double top, ulong gpa)
        {
            Line(w, x, top + AxisY - 3, x, top + AxisY + 4, "tick", "#1b2631");
            double ty = top + AxisY + 14;
            w.WriteStartElement("text");
            w.WriteAttributeString("class", "gpa");
            Attr(w, "x", x);
            Attr(w, "y", ty);
            w.WriteAttributeString("transform", $"rotate(25 {N(x)} {N(ty)})");
            w.WriteString(Hex.Address(gpa));
            w.WriteEndElement();
        }

        private static void Files(XmlWriter w, GmemMapLayout layout, double top, Dictionary<LabMemslot, double> slotCentres)
        {
            if (layout.Files.Count == 0)
            {
                Text(w, Margin, top + FileTop + 16, "no guest_memfd files", "label");
                return;
            }
            double gapBetween = 16;
            double each = (Width - 2 * Margin - gapBetween * (layout.Files.Count - 1)) / layout.Files.Count;
            each = Math.Min(each, 420);
            double x = Margin;
            foreach (var file in layout.Files)
            {
                bool open = file.State == LabObjectState.Open;
                w.WriteStartElement("rect");
                w.WriteAttributeString("class", open ? "file" : "file closed-file");
                w.WriteAttributeString("data-file", file.Id);
                Attr(w, "x", x);
                Attr(w, "y", top + FileTop);
                Attr(w, "width", each);
                Attr(w, "height", FileHeight);
                w.WriteElementString("title", $"{file.Id}: {GmemMapLayout.Size((ulong)file.Size)}, {GmemMapLayout.FlagsText(file.Flags)}, {file.State}");
                w.WriteEndElement();

                double perByte = each / Math.Max(1.0, file.Size);
                foreach (var region in layout.Slots.Where(r => ReferenceEquals(r.Slot!.File, file)))
                {
                    var slot = region.Slot!;
                    double fx0 = x + slot.Offset * perByte;
                    double fw = Math.Max(3, slot.Size * perByte);
                    w.WriteStartElement("rect");
                    w.WriteAttributeString("class", "bound-range");
                    Attr(w, "x", fx0);
                    Attr(w, "y", top + FileTop + 3);
                    Attr(w, "width", Math.Min(fw, x + each - fx0));
                    Attr(w, "height", FileHeight - 6);
                    w.WriteElementString("title", $"offsets {GmemMapLayout.Range(slot.Offset, slot.Offset + slot.Size)} bound to slot {slot.Slot}");
                    w.WriteEndElement();

                    double fc = fx0 + Math.Min(fw, x + each - fx0) / 2;
                    double sc = slotCentres[slot];
                    double y0 = top + BarTop + BarHeight, y1 = top + FileTop;
                    w.WriteStartElement("path");
                    w.WriteAttributeString("class", "binding");
                    w.WriteAttributeString("data-slot", slot.Slot.ToString(CultureInfo.InvariantCulture));
                    w.WriteAttributeString("data-file", file.Id);
                    w.WriteAttributeString("d",
                        $"M {N(sc)} {N(y0)} C {N(sc)} {N((y0 + y1) / 2)}, {N(fc)} {N((y0 + y1) / 2)}, {N(fc)} {N(y1)}");
                    w.WriteEndElement();
                    Text(w, fc, top + FileTop - 4, GmemMapLayout.Range(slot.Offset, slot.Offset + slot.Size), "offsets", anchor: "middle");
                }
                Text(w, x, top + FileTop + FileHeight + 14,
                    $"{file.Id} {GmemMapLayout.Size((ulong)file.Size)} {GmemMapLayout.FlagsText(file.Flags)} {file.State}", "label");
                x += each + gapBetween;
            }
        }

        private static void Legend(XmlWriter w, double y)
        {
            double x = Margin;
            foreach (var (name, colour) in new[] { ("Private", PrivateColour), ("Shared", SharedColour), ("Mixed", MixedColour) })
            {
                w.WriteStartElement("rect");
                w.WriteAttributeString("class", "legend");
                Attr(w, "x", x);
                Attr(w, "y", y);
                Attr(w, "width", 14);
                Attr(w, "height", 14);
                w.WriteAttributeString("fill", colour);
                w.WriteEndElement();
                Text(w, x + 20, y + 11, name, "label");
                x += 100;
            }
            Text(w, x, y + 11, "widths grow with log2(size); gaps are compressed", "label", fill: "#7f8c8d");
        }

        private static void Background(XmlWriter w, double height)
        {
            w.WriteStartElement("rect");
            w.WriteAttributeString("class", "background");
            Attr(w, "x", 0);
            Attr(w, "y", 0);
            Attr(w, "width", Width);
            Attr(w, "height", height);
            w.WriteAttributeString("fill", "#ffffff");
            w.WriteEndElement();
        }

        private static string Colour(string state) => state switch
        {
            "Private" => PrivateColour,
            "Mixed" => MixedColour,
            _ => SharedColour,
        };

        private static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string cls, string? stroke)
        {
            w.WriteStartElement("line");
            w.WriteAttributeString("class", cls);
            Attr(w, "x1", x1);
            Attr(w, "y1", y1);
            Attr(w, "x2", x2);
            Attr(w, "y2", y2);
            if (stroke != null) w.WriteAttributeString("stroke", stroke);
            w.WriteEndElement();
        }

        private static void Text(XmlWriter w, double x, double y, string text, string cls,
            string anchor = "start", string? fill = null, bool bold = false)
        {
            w.WriteStartElement("text");
            w.WriteAttributeString("class", cls);
            Attr(w, "x", x);
            Attr(w, "y", y);
            if (anchor != "start") w.WriteAttributeString("text-anchor", anchor);
            if (fill != null) w.WriteAttributeString("fill", fill);
            if (bold) w.WriteAttributeString("font-weight", "bold");
            w.WriteString(text);
            w.WriteEndElement();
        }

        private static void Attr(XmlWriter w, string name, double value) => w.WriteAttributeString(name, N(value));

        private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
