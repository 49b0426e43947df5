using System.Linq;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Lab.Map;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/pci-hole-split.ps1: one 4 MiB file split around the PCI hole, 0–2 MiB at gpa 0 and
    /// 2–4 MiB at gpa 4 GiB (kernel-facts.md "Lifetime and layout"), with guest access at both. Same steps
    /// through GmemLab on the Simulator; each claim the script checks is asserted here.
    /// </summary>
    public class PciHoleSplitTwinTests
    {
        private const ulong MiB = ExampleSession.MiB, GiB = ExampleSession.GiB;

        [Fact]
        public void One_file_two_slots_around_the_hole_guest_and_host_see_the_same_bytes()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            s.Mark();
            var vm = lab.CreateVm(BackendKind.Simulator);
            int vmId = s.Since<VmCreated>().Single().VmId;
            var file = lab.CreateFile(vm, 4 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            long inode = s.Since<GuestMemfdCreated>().Single().Inode;

            s.Mark();
            var low = lab.Bind(file, 0, 2 * MiB, offset: 0);
            var high = lab.Bind(file, 4 * GiB, 2 * MiB, offset: 2 * MiB);
            Assert.Equal((0u, 1u), (low.Slot, high.Slot));
            var created = s.Since<SlotCreated>();
            Assert.Equal(new[] { (vmId, 0, 0x0UL, 512UL, inode, 0UL), (vmId, 1, 0x100000UL, 512UL, inode, 512UL) },
                created.Select(c => (c.VmId, c.Slot, c.BaseGfn, c.Pages, c.Inode, c.PageOffset)));

            // The guest writes below and above the hole.
            Assert.True(lab.GuestWrite(vm, 0x1000, new byte[] { 0x11 }).Completed);
            Assert.True(lab.GuestWrite(vm, 4 * GiB + 0x1000, new byte[] { 0x22 }).Completed);

            // The host sees them at file offsets 0x1000 and 2 MiB + 0x1000: one file behind both slots.
            Assert.Equal(new byte[] { 0x11 }, lab.HostRead(file, 0x1000, 1));
            Assert.Equal(new byte[] { 0x22 }, lab.HostRead(file, (long)(2 * MiB) + 0x1000, 1));

            // The host writes at the start of the upper half; the guest reads it at 4 GiB.
            lab.HostWrite(file, (long)(2 * MiB), new byte[] { 0xc0, 0xde });
            Assert.Equal(new byte[] { 0xc0, 0xde }, lab.GuestRead(vm, 4 * GiB, 2).Data);

            // Inside the hole there is no slot: a shared access exits to userspace as MMIO.
            var hole = lab.GuestRead(vm, 3 * GiB, 1);
            Assert.Equal((ExitReason.Mmio, 3 * GiB), (hole.Exit, hole.ExitGpa));

            // The lower slot cannot also take the upper file half (it is bound to slot 1).
            var reuse = ExampleSession.Refusal(() => lab.Bind(file, 8 * GiB, 2 * MiB, offset: 2 * MiB));
            Assert.Equal((Errno.EINVAL, "GmemRangeAlreadyBound"), (reuse.Errno, reuse.Rule.Id));

            // The map shows both slots in gpa order with the hole between them.
            var map = GmemMapText.Render(lab, new[] { vm });
            Assert.Contains(map, l => l.StartsWith("  [0x200000, 0x100000000)") && l.Contains("gap") && l.Contains("4094 MiB"));
            Assert.Contains(map, l => l.StartsWith("  [0x100000000, 0x100200000)") && l.Contains("[0x200000, 0x400000)"));
        }
    }
}
