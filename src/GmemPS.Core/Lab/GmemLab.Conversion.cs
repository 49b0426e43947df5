using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Private/shared conversion as the selftests drive it (private_mem_conversions_test): optionally
    // fallocate the guest_memfd pages behind the range first - allocate them when going private, punch
    // them when going shared (DO_FALLOCATE, via vm_guest_mem_fallocate) - then KVM_SET_MEMORY_ATTRIBUTES.
    public sealed partial class GmemLab
    {
        public AttributeRange SetPrivate(LabVm vm, ulong gpa, ulong size, bool fallocate = false) =>
            Convert(vm, gpa, size, MemoryAttributes.Private, fallocate);

        public AttributeRange SetShared(LabVm vm, ulong gpa, ulong size, bool fallocate = false) =>
            Convert(vm, gpa, size, MemoryAttributes.None, fallocate);

        /// <summary>The whole gpa range of a memslot.</summary>
        public AttributeRange SetPrivate(LabMemslot slot, bool fallocate = false) =>
            Convert(slot.VmObject, slot.Gpa, slot.Size, MemoryAttributes.Private, fallocate);

        /// <summary>The whole gpa range of a memslot.</summary>
        public AttributeRange SetShared(LabMemslot slot, bool fallocate = false) =>
            Convert(slot.VmObject, slot.Gpa, slot.Size, MemoryAttributes.None, fallocate);

        private AttributeRange Convert(LabVm vm, ulong gpa, ulong size, MemoryAttributes attributes, bool fallocate)
        {
            // One lock over the whole conversion, so no other thread's step lands between the fallocates and
            // the attribute change.
            lock (gate)
            {
                Own(vm);
                // A range the kernel will refuse (empty, or wrapping) goes straight to KVM_SET_MEMORY_ATTRIBUTES,
                // so the user gets the kernel's answer rather than ours.
                bool wellFormed = size != 0 && gpa + size > gpa;
                if (fallocate && wellFormed)
                {
                    bool punch = attributes == MemoryAttributes.None;
                    foreach (var piece in FileRangesBehind(vm, gpa, size))
                        Fallocate(piece.File, punch
                            ? FallocateRequest.PunchHole(piece.Offset, piece.Length)
                            : FallocateRequest.Allocate(piece.Offset, piece.Length));
                }
                SetAttributes(vm, new MemoryAttributesRequest(gpa, size, attributes));
                return new AttributeRange(vm, gpa, size, attributes);
            }
        }

        /// <summary>
        /// The guest_memfd ranges that back [gpa, gpa+size), in gpa order. Every page must lie in an open
        /// guest_memfd memslot of the VM whose file the lab knows; this is checked before anything is done.
        /// </summary>
        private List<(LabFile File, long Offset, long Length)> FileRangesBehind(LabVm vm, ulong gpa, ulong size)
        {
            var slots = memslots
                .Where(s => s.VmObject == vm && s.State == LabObjectState.Open && s.FileObject != null
                            && (s.Flags & MemslotFlags.GuestMemfd) != 0)
                .ToList();
            var pieces = new List<(LabFile, long, long)>();
            ulong end = gpa + size;
            for (ulong at = gpa; at < end;)
            {
                var slot = slots.FirstOrDefault(s => at >= s.Gpa && at - s.Gpa < s.Size)
                    ?? throw new GmemLabException("GmemRangeNotBacked",
                        $"gpa {Hex.Address(at)} of {vm.Id} is not in a guest_memfd memslot: -Fallocate needs every page of "
                        + $"[{Hex.Address(gpa)}, {Hex.Address(end)}) bound to a guest_memfd.", vm);
                ulong intoSlot = at - slot.Gpa;
                ulong length = System.Math.Min(end - at, slot.Size - intoSlot);
                pieces.Add((slot.FileObject!, (long)(slot.Offset + intoSlot), (long)length));
                at += length;
            }
            return pieces;
        }
    }
}
