using System.Linq;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/close-orderings.ps1 (kernel-semantics §3: the file pins the VM, memslots pin nothing).
    /// Same steps through GmemLab on the Simulator; every claim the script checks is asserted here.
    /// </summary>
    public class CloseOrderingsTwinTests
    {
        private const ulong Size = 2 * ExampleSession.MiB;

        private static (LabVm Vm, int VmId, LabFile File, long Inode, LabMemslot Slot) BoundVm(ExampleSession s)
        {
            s.Mark();
            var vm = s.Lab.CreateVm(BackendKind.Simulator);
            var file = s.Lab.CreateFile(vm, Size);
            var slot = s.Lab.Bind(file, 0);
            return (vm, s.Since<VmCreated>().Single().VmId, file, s.Since<GuestMemfdCreated>().Single().Inode, slot);
        }

        [Fact]
        public void Vm_handle_first_the_file_keeps_the_vm_alive_until_it_is_closed()
        {
            using var s = new ExampleSession();
            var (vm, vmId, file, inode, _) = BoundVm(s);

            // Remove-GmemVm: the VM fd goes, the VM does not (its guest_memfd holds a reference).
            s.Mark();
            s.Lab.CloseVm(vm);
            Assert.Empty(s.Since<VmDestroyed>());

            // The file still works: allocate, then punch (the slot is still bound, so its gfns are zapped).
            s.Lab.Allocate(file, 0, (long)Size);
            s.Lab.PunchHole(file, 0, 0x1000);
            var punch = Assert.Single(s.Since<Invalidated>());
            Assert.Equal((vmId, 0, 0x0UL, 0x1UL, InvalidationCause.PunchHole), (punch.VmId, punch.Slot, punch.GfnStart, punch.GfnEnd, punch.Cause));

            // Close-GmemFile: the release zaps the whole slot, then the last VM reference goes.
            s.Mark();
            s.Lab.CloseFile(file);
            var events = s.Since();
            var zap = Assert.Single(events.OfType<Invalidated>());
            Assert.Equal((vmId, 0, 0x0UL, 0x200UL, InvalidationCause.FileRelease), (zap.VmId, zap.Slot, zap.GfnStart, zap.GfnEnd, zap.Cause));
            var released = Assert.Single(events.OfType<FileReleased>());
            Assert.Equal((vmId, inode, 1), (released.VmId, released.Inode, released.SlotsDisconnected));
            Assert.Equal(vmId, Assert.Single(events.OfType<VmDestroyed>()).VmId);
            Assert.IsType<VmDestroyed>(events.Last());
        }

        [Fact]
        public void File_first_the_slot_stays_without_its_file_then_slot_delete_after_file_close()
        {
            using var s = new ExampleSession();
            var (vm, vmId, file, inode, slot) = BoundVm(s);

            // Close-GmemFile while slot 0 is bound: the slot loses its file but stays.
            s.Mark();
            s.Lab.CloseFile(file);
            var zap = Assert.Single(s.Since<Invalidated>());
            Assert.Equal((vmId, 0, 0x0UL, 0x200UL, InvalidationCause.FileRelease), (zap.VmId, zap.Slot, zap.GfnStart, zap.GfnEnd, zap.Cause));
            Assert.Equal((inode, 1), (s.Since<FileReleased>().Single().Inode, s.Since<FileReleased>().Single().SlotsDisconnected));
            Assert.Empty(s.Since<VmDestroyed>());
            Assert.Contains(slot, s.Lab.Memslots);

            // Remove-Memslot after the file is gone: accepted (unbind is a no-op).
            s.Mark();
            s.Lab.RemoveMemslot(slot);
            var delete = Assert.Single(s.Since<Invalidated>());
            Assert.Equal((vmId, 0, 0x0UL, 0x200UL, InvalidationCause.SlotDelete), (delete.VmId, delete.Slot, delete.GfnStart, delete.GfnEnd, delete.Cause));
            Assert.Equal((vmId, 0), (s.Since<SlotDeleted>().Single().VmId, s.Since<SlotDeleted>().Single().Slot));

            // Deleting it again: the slot no longer exists.
            var again = ExampleSession.Refusal(() => s.Lab.RemoveMemslot(slot));
            Assert.Equal(Errno.EINVAL, again.Errno);
            Assert.Equal("MemslotDeleteMissing", again.Rule.Id);

            // The same slot id binds a new file.
            var file2 = s.Lab.CreateFile(vm, Size);
            var rebound = s.Lab.Bind(file2, 0, slot: 0);
            Assert.Equal((0u, file2), (rebound.Slot, rebound.File));

            // Remove-GmemVm, then Close-GmemFile on the new file: only the second close destroys the VM.
            s.Mark();
            s.Lab.CloseVm(vm);
            Assert.Empty(s.Since<VmDestroyed>());
            s.Lab.CloseFile(file2);
            Assert.Equal(vmId, s.Since<VmDestroyed>().Single().VmId);
        }
    }
}
