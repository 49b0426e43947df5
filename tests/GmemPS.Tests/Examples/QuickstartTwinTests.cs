using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Lab.Map;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/quickstart.ps1: the same steps through GmemLab on the Simulator, asserting every claim
    /// the script prints and checks. Change one, change the other.
    /// </summary>
    public class QuickstartTwinTests
    {
        [Fact]
        public void Quickstart_tour_bind_allocate_write_guest_read_punch_events_map()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;

            // New-GmemVm | New-GmemFile -Size 2MB -Mmap -InitShared
            s.Mark();
            var vm = lab.CreateVm(BackendKind.Simulator);
            int vmId = Assert.Single(s.Since<VmCreated>()).VmId;
            var file = lab.CreateFile(vm, 2 * ExampleSession.MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            long inode = Assert.Single(s.Since<GuestMemfdCreated>()).Inode;

            // $file | Add-Memslot -Gpa 0 -PassThru: the lowest free slot, the whole file.
            var slot = lab.Bind(file, 0);
            Assert.Equal(0u, slot.Slot);
            Assert.Equal(0UL, slot.Gpa);
            Assert.Equal(2 * ExampleSession.MiB, slot.Size);

            // $file | Add-GmemRange: fallocate(KEEP_SIZE) of the whole file, 512 new pages.
            s.Mark();
            lab.Allocate(file, 0, file.Size);
            var allocated = Assert.Single(s.Since<PagesAllocated>());
            Assert.Equal((inode, 0UL, 512UL, 512UL), (allocated.Inode, allocated.FirstPage, allocated.EndPage, allocated.NewPages));

            // The host writes "GMEM" at file offset 0x1000; the guest reads it at gpa 0x1000 (slot 0 maps offset 0 at gpa 0).
            byte[] gmem = Encoding.ASCII.GetBytes("GMEM");
            lab.HostWrite(file, 0x1000, gmem);
            var guest = lab.GuestRead(vm, 0x1000, 4);
            Assert.True(guest.Completed);
            Assert.Equal(gmem, guest.Data);

            // $file | Remove-GmemRange -Offset 0x1000 -Length 4KB: the slot's gfn 0x1 is zapped, the page freed.
            s.Mark();
            lab.PunchHole(file, 0x1000, 0x1000);
            var invalidated = s.Since<Invalidated>();
            var zap = Assert.Single(invalidated);
            Assert.Equal((vmId, 0, 0x1UL, 0x2UL, InvalidationCause.PunchHole), (zap.VmId, zap.Slot, zap.GfnStart, zap.GfnEnd, zap.Cause));
            var freed = Assert.Single(s.Since<PagesFreed>());
            Assert.Equal((inode, 1UL, 2UL, 1UL), (freed.Inode, freed.FirstPage, freed.EndPage, freed.FreedPages));

            // Host and guest both read zeros where the hole is.
            Assert.Equal(new byte[4], lab.HostRead(file, 0x1000, 4));
            Assert.Equal(new byte[4], lab.GuestRead(vm, 0x1000, 4).Data);

            // Show-GmemMap -Vm $vm: slot 0 over the whole file, shared.
            var map = GmemMapText.Render(lab, new[] { vm });
            // The script matches the same pattern against Show-GmemMap's lines.
            var row = new Regex(@"^\s+\[0x0, 0x200000\)\s+0\s+2 MiB\s+" + Regex.Escape(file.Id) + @"\s+\[0x0, 0x200000\)\s+Shared$");
            Assert.Single(map, l => row.IsMatch(l));
        }
    }
}
