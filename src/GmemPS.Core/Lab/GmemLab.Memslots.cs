using System;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Memslot helpers beyond Bind: the default sizes the cmdlets show before they act, and slots backed by
    // ordinary (anonymous) memory rather than a guest_memfd.
    public sealed partial class GmemLab
    {
        /// <summary>The bytes of a file from <paramref name="offset"/> to its end (0 past the end): a slot's default size.</summary>
        public ulong RemainingSize(LabFile file, ulong offset)
        {
            ulong size = (ulong)file.Size;
            return size - Math.Min(offset, size);
        }

        /// <summary>The bytes of a file from <paramref name="offset"/> to its end: a range's default length.
        /// An offset outside the file gives 0, which fallocate refuses with the kernel's own answer.</summary>
        public long RemainingLength(LabFile file, long offset) =>
            offset < 0 || offset >= file.Size ? 0 : file.Size - offset;

        /// <summary>
        /// A memslot without a guest_memfd (flags 0). A <paramref name="userspaceAddr"/> of 0 maps anonymous
        /// shared memory of <paramref name="size"/> on the VM's host and uses its address, as a VMM would.
        /// </summary>
        public LabMemslot BindAnonymous(LabVm vm, ulong gpa, ulong size, uint? slot = null, ulong userspaceAddr = 0)
        {
            lock (gate)
            {
                Own(vm);
                if (userspaceAddr == 0)
                    userspaceAddr = MapAnonymous(vm.Backend, size > long.MaxValue ? long.MaxValue : (long)size, vm.Profile).Address;
                uint id = slot ?? LowestFreeSlot(vm);
                var region = new UserMemoryRegion2(id, MemslotFlags.None, gpa, size, userspaceAddr, 0, 0);
                return SetMemslot(vm, region)!;
            }
        }
    }
}
