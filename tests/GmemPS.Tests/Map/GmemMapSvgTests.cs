using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Lab.Map;
using Xunit;

namespace GmemPS.Tests.Map
{
    public class GmemMapSvgTests
    {
        private const ulong MiB = 1UL << 20, GiB = 1UL << 30;
        private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

        private static (GmemLab Lab, LabVm Vm) PciHoleSplit()
        {
            var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 4 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            lab.Bind(file, 0, 2 * MiB, offset: 0);
            lab.Bind(file, 4 * GiB, 2 * MiB, offset: 2 * MiB);
            return (lab, vm);
        }

        private static double D(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

        [Fact]
        public void Parses_as_svg_with_one_slot_rect_per_slot_and_one_line_from_each_slot_to_its_file_range()
        {
            var (lab, vm) = PciHoleSplit();
            using (lab)
            {
                var doc = XDocument.Parse(GmemMapSvg.Render(lab, new[] { vm }));

                Assert.Equal(Svg + "svg", doc.Root!.Name);
                var slots = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "slot").ToList();
                Assert.Equal(new[] { "0", "1" }, slots.Select(r => (string)r.Attribute("data-slot")!));
                Assert.All(slots, r => Assert.Equal(GmemMapSvg.SharedColour, (string)r.Attribute("fill")!));
                var bindings = doc.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "binding").ToList();
                Assert.Equal(2, bindings.Count);
                Assert.All(bindings, b => Assert.Equal("gmem0", (string)b.Attribute("data-file")!));
                Assert.Single(doc.Descendants(Svg + "rect"), r => (string?)r.Attribute("class") == "file");
            }
        }

        [Fact]
        public void A_2MiB_slot_at_0_and_one_at_4GiB_are_both_visible_with_the_gap_compressed_between_them()
        {
            var (lab, vm) = PciHoleSplit();
            using (lab)
            {
                var doc = XDocument.Parse(GmemMapSvg.Render(lab, new[] { vm }));
                var slots = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "slot").ToList();

                // A linear 4 GiB axis would give each 2 MiB slot under half a pixel.
                Assert.All(slots, r => Assert.True(D(r, "width") >= 90, $"slot {r.Attribute("data-slot")} is {r.Attribute("width")} px wide"));
                double gap = D(slots[1], "x") - (D(slots[0], "x") + D(slots[0], "width"));
                Assert.InRange(gap, 20, D(slots[0], "width"));
                Assert.True(D(slots[1], "x") + D(slots[1], "width") <= 1000);
            }
        }

        [Fact]
        public void Every_boundary_is_labelled_with_its_hex_gpa()
        {
            var (lab, vm) = PciHoleSplit();
            using (lab)
            {
                var doc = XDocument.Parse(GmemMapSvg.Render(lab, new[] { vm }));
                var labels = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "gpa").Select(t => t.Value);

                Assert.Equal(new[] { "0x0", "0x200000", "0x100000000", "0x100200000" }, labels);
                var offsets = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "offsets").Select(t => t.Value);
                Assert.Equal(new[] { "[0x0, 0x200000)", "[0x200000, 0x400000)" }, offsets);
            }
        }

        [Fact]
        public void Slots_are_coloured_by_state_and_a_mixed_slot_marks_its_private_ranges()
        {
            using var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm(type: 1);
            var file = lab.CreateFile(vm, 8 * MiB);
            lab.Bind(file, 0, 2 * MiB, offset: 0);
            lab.Bind(file, 2 * MiB, 2 * MiB, offset: 2 * MiB);
            lab.Bind(file, 4 * MiB, 2 * MiB, offset: 4 * MiB);
            lab.SetAttributes(vm, new MemoryAttributesRequest(0, 2 * MiB, MemoryAttributes.Private));
            lab.SetAttributes(vm, new MemoryAttributesRequest(4 * MiB, 0x1000, MemoryAttributes.Private));

            var doc = XDocument.Parse(GmemMapSvg.Render(lab, new[] { vm }));
            var slots = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "slot").ToList();

            Assert.Equal(new[] { "Private", "Shared", "Mixed" }, slots.Select(r => (string)r.Attribute("data-state")!));
            Assert.Equal(new[] { GmemMapSvg.PrivateColour, GmemMapSvg.SharedColour, GmemMapSvg.MixedColour },
                slots.Select(r => (string)r.Attribute("fill")!));
            var marks = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "attr-private").ToList();
            Assert.Equal("private [0x400000, 0x401000)", Assert.Single(marks).Element(Svg + "title")!.Value);
        }

        [Fact]
        public void Text_is_escaped()
        {
            using var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm(profile: "<odd & \"quoted\">");
            lab.CreateFile(vm, 4096);

            string svg = GmemMapSvg.Render(lab, new[] { vm });

            Assert.Contains("&lt;odd &amp; \"quoted\"&gt;", svg);
            var doc = XDocument.Parse(svg);
            Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "vm0 (Simulator <odd & \"quoted\">, type 0, Open)");
        }

        [Fact]
        public void Closed_files_and_several_vms_each_get_a_panel()
        {
            using var lab = MapTestFactory.NewLab();
            var vm0 = lab.CreateVm();
            var vm1 = lab.CreateVm();
            var f0 = lab.CreateFile(vm0, 2 * MiB);
            lab.Bind(f0, 0);
            lab.CloseFile(f0);
            lab.Bind(lab.CreateFile(vm1, 2 * MiB), 0);

            var doc = XDocument.Parse(GmemMapSvg.Render(lab, new[] { vm0, vm1 }));
            var panels = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "vm").ToList();

            Assert.Equal(new[] { "vm0", "vm1" }, panels.Select(p => (string)p.Attribute("data-vm")!));
            Assert.Equal("slot closed-file", (string)panels[0].Descendants(Svg + "rect").First(r => r.Attribute("data-slot") != null).Attribute("class")!);
            Assert.Equal("file closed-file", (string)panels[0].Descendants(Svg + "rect").Single(r => r.Attribute("data-file") != null).Attribute("class")!);
            Assert.Equal("file", (string)panels[1].Descendants(Svg + "rect").Single(r => r.Attribute("data-file") != null).Attribute("class")!);
        }

        [Fact]
        public void No_vms_still_gives_a_valid_picture()
        {
            using var lab = MapTestFactory.NewLab();
            var doc = XDocument.Parse(GmemMapSvg.Render(lab, new LabVm[0]));
            Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "no VMs");
        }
    }
}
