using System.Collections.Generic;
using System.Linq;
using System.Text;
using GmemPS.Kernel;

namespace GmemPS.Lab.Map
{
    /// <summary>
    /// A console map of each VM's guest physical address space (what Show-GmemMap prints):
    /// <code>
    /// vm0 (Simulator, type 0, Open)
    ///   GPA                         SLOT  SIZE      FILE   FILE OFFSETS          STATE
    ///   [0x0, 0x200000)             0     2 MiB     gmem0  [0x0, 0x200000)       Shared
    ///   [0x200000, 0x100000000)     gap   4094 MiB
    ///   [0x100000000, 0x100200000)  1     2 MiB     gmem0  [0x200000, 0x400000)  Shared
    ///   FILE   SIZE   FLAGS             STATE  SLOTS
    ///   gmem0  4 MiB  Mmap, InitShared  Open   0, 1
    /// </code>
    /// Slots are in gpa order with the gaps between them; a slot whose gpa range is partly private gets
    /// state Mixed and one indented row per range. Ranges are half-open, as the events print them.
    /// </summary>
    public static class GmemMapText
    {
        private static readonly string[] SlotHeader = { "GPA", "SLOT", "SIZE", "FILE", "FILE OFFSETS", "STATE" };
        private static readonly string[] FileHeader = { "FILE", "SIZE", "FLAGS", "STATE", "SLOTS" };

        public static IReadOnlyList<string> Render(GmemLab lab, IEnumerable<LabVm> vms)
        {
            var lines = new List<string>();
            foreach (var layout in GmemMapLayout.Build(lab, vms))
            {
                if (lines.Count > 0) lines.Add(string.Empty);
                lines.Add(Header(layout.Vm));
                if (layout.Regions.Count == 0)
                {
                    lines.Add("  no memslots");
                }
                else
                {
                    var rows = new List<string[]> { SlotHeader };
                    foreach (var region in layout.Regions) rows.AddRange(Rows(region));
                    lines.AddRange(Table(rows, "  "));
                }
                foreach (var span in layout.PrivateOutsideSlots)
                    lines.Add($"  private outside any slot: {GmemMapLayout.Range(span.Start, span.End)}");
                if (layout.Files.Count == 0)
                {
                    lines.Add("  no guest_memfd files");
                }
                else
                {
                    var rows = new List<string[]> { FileHeader };
                    foreach (var file in layout.Files)
                    {
                        string slots = layout.SlotsOf(file);
                        rows.Add(new[]
                        {
                            file.Id, GmemMapLayout.Size((ulong)file.Size), GmemMapLayout.FlagsText(file.Flags),
                            file.State.ToString(), slots.Length == 0 ? "-" : slots,
                        });
                    }
                    lines.AddRange(Table(rows, "  "));
                }
            }
            return lines;
        }

        private static string Header(LabVm vm)
        {
            string backend = vm.Profile == null ? vm.Backend.ToString() : $"{vm.Backend} {vm.Profile}";
            return $"{vm.Id} ({backend}, type {vm.Type}, {vm.State})";
        }

        private static IEnumerable<string[]> Rows(GpaRegion region)
        {
            string range = GmemMapLayout.Range(region.Start, region.End);
            string size = GmemMapLayout.Size(region.Size);
            if (region.Kind == GpaRegionKind.Gap)
            {
                yield return new[] { range, "gap", size, string.Empty, string.Empty, string.Empty };
                yield break;
            }
            var slot = region.Slot!;
            string file, offsets;
            if (slot.File == null)
            {
                file = "anonymous";
                offsets = $"uaddr {Hex.Address(slot.UserspaceAddress)}";
            }
            else
            {
                file = GmemMapLayout.FileName(slot.File);
                offsets = GmemMapLayout.Range(slot.Offset, slot.Offset + slot.Size);
            }
            yield return new[] { range, slot.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture), size, file, offsets, region.State };
            if (region.Attributes.Count > 1)
            {
                foreach (var span in region.Attributes)
                {
                    yield return new[]
                    {
                        "  " + GmemMapLayout.Range(span.Start, span.End), string.Empty,
                        GmemMapLayout.Size(span.End - span.Start), string.Empty, string.Empty, span.State,
                    };
                }
            }
        }

        /// <summary>Left-aligned columns two spaces apart; trailing blanks trimmed.</summary>
        private static IEnumerable<string> Table(List<string[]> rows, string indent)
        {
            int columns = rows[0].Length;
            var widths = new int[columns];
            foreach (var row in rows)
                for (int c = 0; c < columns; c++)
                    widths[c] = System.Math.Max(widths[c], row[c].Length);
            foreach (var row in rows)
            {
                var sb = new StringBuilder(indent);
                for (int c = 0; c < columns; c++)
                {
                    sb.Append(row[c]);
                    if (c < columns - 1) sb.Append(' ', widths[c] - row[c].Length + 2);
                }
                yield return sb.ToString().TrimEnd();
            }
        }
    }
}
