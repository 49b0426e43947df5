using System.Linq;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Lab.Map;
using Xunit;

namespace GmemPS.Tests.Map
{
    public class GmemMapTextTests
    {
        private const ulong MiB = 1UL << 20, GiB = 1UL << 30;

        [Fact]
        public void Pci_hole_split_lists_both_slots_in_gpa_order_with_the_gap_between()
        {
            using var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 4 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            // Bound high first: the map sorts by gpa, not by slot id or creation order.
            lab.Bind(file, 4 * GiB, 2 * MiB, offset: 2 * MiB, slot: 0);
            lab.Bind(file, 0, 2 * MiB, offset: 0, slot: 1);

            Assert.Equal(new[]
            {
                "vm0 (Simulator, type 0, Open)",
                "  GPA                         SLOT  SIZE      FILE   FILE OFFSETS          STATE",
                "  [0x0, 0x200000)             1     2 MiB     gmem0  [0x0, 0x200000)       Shared",
                "  [0x200000, 0x100000000)     gap   4094 MiB",
                "  [0x100000000, 0x100200000)  0     2 MiB     gmem0  [0x200000, 0x400000)  Shared",
                "  FILE   SIZE   FLAGS             STATE  SLOTS",
                "  gmem0  4 MiB  Mmap, InitShared  Open   0, 1",
            }, GmemMapText.Render(lab, new[] { vm }));
        }

        [Fact]
        public void Partly_private_slot_is_Mixed_with_one_row_per_range_and_private_memory_outside_slots_is_listed()
        {
            using var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm(type: 1);
            var file = lab.CreateFile(vm, 2 * MiB);
            lab.Bind(file, 1 * MiB, 1 * MiB, offset: 0);
            lab.SetAttributes(vm, new MemoryAttributesRequest(1 * MiB + 0x1000, 0x2000, MemoryAttributes.Private));
            lab.SetAttributes(vm, new MemoryAttributesRequest(8 * MiB, 0x1000, MemoryAttributes.Private));

            Assert.Equal(new[]
            {
                "vm0 (Simulator, type 1, Open)",
                "  GPA                     SLOT  SIZE      FILE   FILE OFFSETS     STATE",
                "  [0x0, 0x100000)         gap   1 MiB",
                "  [0x100000, 0x200000)    0     1 MiB     gmem0  [0x0, 0x100000)  Mixed",
                "    [0x100000, 0x101000)        4 KiB                             Shared",
                "    [0x101000, 0x103000)        8 KiB                             Private",
                "    [0x103000, 0x200000)        1012 KiB                          Shared",
                "  private outside any slot: [0x800000, 0x801000)",
                "  FILE   SIZE   FLAGS     STATE  SLOTS",
                "  gmem0  2 MiB  no flags  Open   0",
            }, GmemMapText.Render(lab, new[] { vm }));
        }

        [Fact]
        public void Whole_private_slot_anonymous_slot_closed_file_and_empty_vm()
        {
            using var lab = MapTestFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2 * MiB);
            var other = lab.CreateFile(vm, 4096);
            lab.Bind(file, 0, 2 * MiB);
            var anon = lab.MapAnonymous(BackendKind.Simulator, 0x10000);
            lab.SetMemslot(vm, new UserMemoryRegion2(5, MemslotFlags.None, 0x10000000, 0x10000, anon.Address, 0, 0));
            lab.SetAttributes(vm, new MemoryAttributesRequest(0, 2 * MiB, MemoryAttributes.Private));
            lab.CloseFile(file);
            var empty = lab.CreateVm();
            lab.CloseVm(empty);

            Assert.Equal(new[]
            {
                "vm0 (Simulator, type 0, Open)",
                "  GPA                       SLOT  SIZE     FILE            FILE OFFSETS          STATE",
                "  [0x0, 0x200000)           0     2 MiB    gmem0 (closed)  [0x0, 0x200000)       Private",
                "  [0x200000, 0x10000000)    gap   254 MiB",
                "  [0x10000000, 0x10010000)  5     64 KiB   anonymous       uaddr 0x7f0000000000  Shared",
                "  FILE   SIZE   FLAGS     STATE   SLOTS",
                "  gmem0  2 MiB  no flags  Closed  0",
                "  gmem1  4 KiB  no flags  Open    -",
                string.Empty,
                "vm1 (Simulator, type 0, Destroyed)",
                "  no memslots",
                "  no guest_memfd files",
            }, GmemMapText.Render(lab, new[] { vm, empty }));
        }

        [Fact]
        public void Deleted_slots_are_not_drawn_and_only_the_requested_vms_are()
        {
            using var lab = MapTestFactory.NewLab();
            var vm0 = lab.CreateVm();
            var vm1 = lab.CreateVm();
            var f0 = lab.CreateFile(vm0, 2 * MiB);
            lab.CreateFile(vm1, 2 * MiB);
            var slot = lab.Bind(f0, 0);
            lab.RemoveMemslot(slot);

            var lines = GmemMapText.Render(lab, new[] { vm0 });

            Assert.Equal("vm0 (Simulator, type 0, Open)", lines[0]);
            Assert.Equal("  no memslots", lines[1]);
            Assert.DoesNotContain(lines, l => l.Contains("vm1") || l.Contains("gmem1"));
            Assert.Equal("  gmem0  2 MiB  no flags  Open   -", lines.Last());
        }
    }
}
