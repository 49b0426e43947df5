using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // The x86 guest fault path (§2.9, §2.10): which backing a vCPU access uses, and how it exits when it can't.
    internal sealed partial class SimKernel
    {
        public GuestAccessResult GuestAccess(SimKvm kvm, ulong gpa, byte[] buffer, bool write)
        {
            ulong gfn = gpa >> KvmLimits.PageShift;
            int inPage = (int)(gpa & (ulong)(KvmLimits.PageSize - 1));
            // Only SW_PROTECTED VMs take "private" from the attribute; SNP/TDX get it from hardware, others never.
            bool isPrivate = kvm.Type == (ulong)VmType.SwProtected && IsPrivate(kvm, gfn);
            var faultFlags = isPrivate ? MemoryFaultFlags.Private : MemoryFaultFlags.None;
            // A mapping a design left pointing at a freed page is used without a fault; the page reads as zeros.
            if (TouchesStaleMapping(kvm, gfn)) return GuestAccessResult.Done(write ? System.Array.Empty<byte>() : new byte[buffer.Length]);

            if (!kvm.GfnSpace[0].TryGet(gfn, out var hit))
                return isPrivate ? GuestAccessResult.MemoryFault(gpa, faultFlags) : GuestAccessResult.Mmio(gpa);
            var slot = hit.Value;
            // A write to a READONLY slot is not a fault KVM can fix: __gfn_to_pfn_memslot answers KVM_PFN_ERR_RO_FAULT
            // before it looks at the hva, and KVM emulates the write as MMIO (measured: KVM_EXIT_MMIO).
            if (write && (slot.Flags & MemslotFlags.ReadOnly) != 0) return GuestAccessResult.Mmio(gpa);
            var converted = GuestAccessByConversion(slot, gpa, gfn, inPage, buffer, write);
            if (converted != null) return converted;
            var memfdAccess = GuestAccessToMemfd(slot, gpa, gfn, inPage, buffer, write);
            if (memfdAccess != null) return memfdAccess;

            if (isPrivate || (slot.GmemOnly && Profile.GmemOnlySlotsFaultFromFile))
            {
                var file = slot.GmemFile;
                if (!slot.IsGmem || file == null)
                    return GuestAccessResult.MemoryFault(gpa, faultFlags); // no gmem binding, or the file was released
                ulong page = slot.FilePage(gfn);
                bool isNew = write
                    ? file.Inode.Write(page, inPage, buffer, 0, buffer.Length)
                    : file.Inode.Read(page, inPage, buffer, 0, buffer.Length);
                if (isNew) Emit(new PagesAllocated(file.Inode.Number, page, page + 1, 1));
                return GuestAccessResult.Done(write ? System.Array.Empty<byte>() : buffer);
            }

            // Shared access to an ordinary slot (or a non-MMAP gmem slot): through userspace_addr.
            ulong hva = slot.UserspaceAddr + ((gfn - slot.BaseGfn) << KvmLimits.PageShift) + (ulong)inPage;
            var mapping = FindMapping(hva);
            if (mapping == null)
                return Profile.UnmappedUserspaceAddrExitsAsMmio
                    ? GuestAccessResult.Mmio(gpa)
                    : new GuestAccessResult { Exit = ExitReason.Unknown, RunErrno = Errno.EFAULT, ExitGpa = gpa };
            try
            {
                HostAccess(mapping, (long)(hva - mapping.Address), buffer, 0, buffer.Length, write);
            }
            catch (GmemException)
            {
                // The host may not fault that page (a guest_memfd page that is not shared): hva_to_pfn fails as for
                // an unmapped hva, and the profile decides what KVM_RUN makes of it.
                return Profile.UnmappedUserspaceAddrExitsAsMmio
                    ? GuestAccessResult.Mmio(gpa)
                    : new GuestAccessResult { Exit = ExitReason.Unknown, RunErrno = Errno.EFAULT, ExitGpa = gpa };
            }
            return GuestAccessResult.Done(write ? System.Array.Empty<byte>() : buffer);
        }
    }
}
