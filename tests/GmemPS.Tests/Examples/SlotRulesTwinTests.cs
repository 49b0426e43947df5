using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/slot-rules.ps1 (kernel-facts.md, KVM_SET_USER_MEMORY_REGION2 table): the kernel's check
    /// order (EEXIST before EBADF), one file range per slot (EINVAL), and guest_memfd slots that can only be
    /// deleted. Same steps through GmemLab on the Simulator; the errno and rule id of each refusal the script
    /// reads from $Error are asserted here.
    /// </summary>
    public class SlotRulesTwinTests
    {
        private const ulong MiB = ExampleSession.MiB;

        [Fact]
        public void Gpa_overlap_is_checked_before_the_descriptor()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm(BackendKind.Simulator);
            var a = lab.CreateFile(vm, 2 * MiB);
            var b = lab.CreateFile(vm, 2 * MiB);
            lab.Bind(a, 0);
            lab.CloseFile(b);

            // b is closed, but its gpa range meets slot 0: EEXIST comes first.
            var overlap = ExampleSession.Refusal(() => lab.Bind(b, 1 * MiB, 1 * MiB));
            Assert.Equal((Errno.EEXIST, "MemslotGpaOverlap"), (overlap.Errno, overlap.Rule.Id));

            // Away from slot 0 the closed descriptor is what the kernel sees: EBADF.
            var closed = ExampleSession.Refusal(() => lab.Bind(b, 4 * MiB));
            Assert.Equal((Errno.EBADF, "GmemFdNotOpen"), (closed.Errno, closed.Rule.Id));
        }

        [Fact]
        public void A_file_range_binds_to_one_slot()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm(BackendKind.Simulator);
            var c = lab.CreateFile(vm, 4 * MiB);
            var first = lab.Bind(c, 0x10000000, 2 * MiB, offset: 0);
            Assert.Equal(0u, first.Slot);

            // Disjoint gpa, but file offsets [1 MiB, 3 MiB) meet the bound [0, 2 MiB): EINVAL, not EEXIST.
            var reuse = ExampleSession.Refusal(() => lab.Bind(c, 0x20000000, 2 * MiB, offset: 1 * MiB));
            Assert.Equal((Errno.EINVAL, "GmemRangeAlreadyBound"), (reuse.Errno, reuse.Rule.Id));

            // The untouched half binds.
            var second = lab.Bind(c, 0x20000000, 2 * MiB, offset: 2 * MiB);
            Assert.Equal(1u, second.Slot);
        }

        [Fact]
        public void A_guest_memfd_slot_can_only_be_deleted()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm(BackendKind.Simulator);
            var c = lab.CreateFile(vm, 2 * MiB);
            var slot = lab.Bind(c, 0x10000000, slot: 1);

            // Re-issue it unchanged.
            var same = ExampleSession.Refusal(() => lab.Bind(c, 0x10000000, slot: 1));
            Assert.Equal((Errno.EINVAL, "MemslotGmemImmutable"), (same.Errno, same.Rule.Id));
            // Move its gpa.
            var moved = ExampleSession.Refusal(() => lab.Bind(c, 0x30000000, slot: 1));
            Assert.Equal((Errno.EINVAL, "MemslotGmemImmutable"), (moved.Errno, moved.Rule.Id));

            // Delete: accepted. Delete again: the slot is gone.
            lab.RemoveMemslot(slot);
            var again = ExampleSession.Refusal(() => lab.RemoveMemslot(slot));
            Assert.Equal((Errno.EINVAL, "MemslotDeleteMissing"), (again.Errno, again.Rule.Id));

            // The same file range binds again, at the new gpa.
            var rebound = lab.Bind(c, 0x30000000, slot: 1);
            Assert.Equal((1u, 0x30000000UL), (rebound.Slot, rebound.Gpa));
        }
    }
}
