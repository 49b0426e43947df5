using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // Seed C (2021): the fd-based proposal before guest_memfd. A shmem memfd is sealed with F_SEAL_GUEST, KVM
    // registers as its one guest owner, and shmem calls the owner's invalidate_page_range on truncate. The owner is a
    // plain pointer (a freed VM leaves it dangling unless the callback checks vm_list or KVM holds a memfd reference),
    // registration is per KVM or per memslot, and a guest fault holds the page lock from get_lock_pfn to
    // put_unlock_pfn so a truncate waits for the SEPT install (or, without the lock, frees the page under it).
    internal sealed partial class SimKernel
    {
        private readonly List<SimMemfd> liveMemfds = new List<SimMemfd>();
        private readonly List<SimGuestFault> pendingFaults = new List<SimGuestFault>();

        public IReadOnlyList<SimMemfd> LiveMemfds => liveMemfds;
        public IReadOnlyList<SimGuestFault> PendingFaults => pendingFaults;

        public (SimMemfd Memfd, int Fd) CreateMemfd(ulong size)
        {
            if (size % (ulong)KvmLimits.PageSize != 0 || (long)size < 0)
                throw Refuse(KernelOperation.MemfdCreate, KernelRules.MemfdSizeInvalid, $"size {Hex.Address(size)}", "not page aligned");
            var memfd = new SimMemfd(new SimGmemInode(nextInode++, size, GuestMemfdFlags.None)) { References = 1 };
            liveMemfds.Add(memfd);
            return (memfd, InstallDescriptor(memfd));
        }

        public void SealGuest(SimMemfd memfd)
        {
            if (memfd.Store.AllocatedPages(0, memfd.Store.Pages) > 0)
                throw Refuse(KernelOperation.MemfdSeal, KernelRules.MemfdSealBusy, $"memfd inode {memfd.Number}",
                    $"{memfd.Store.AllocatedPages(0, memfd.Store.Pages)} page(s) present");
            if (memfd.Sealed) return;
            memfd.Sealed = true;
            Emit(new MemfdSealed(memfd.Number, DesignDecisions.SealGuest));
        }

        public void WriteMemfd(SimMemfd memfd, ulong offset, byte[] data)
        {
            string request = $"memfd inode {memfd.Number}, {data.Length} bytes at {Hex.Address(offset)}";
            if (memfd.Sealed) throw Refuse(KernelOperation.MemfdWrite, KernelRules.MemfdSealedNoAccess, request, "F_SEAL_GUEST");
            if (offset + (ulong)data.Length > memfd.Store.Size || offset + (ulong)data.Length < offset)
                throw Refuse(KernelOperation.MemfdWrite, KernelRules.MemfdWriteRangeInvalid, request, $"size {Hex.Address(memfd.Store.Size)}");
            for (int done = 0; done < data.Length;)
            {
                ulong at = offset + (ulong)done;
                int inPage = (int)(at & (ulong)(KvmLimits.PageSize - 1));
                int chunk = (int)System.Math.Min(data.Length - done, KvmLimits.PageSize - inPage);
                memfd.Store.Write(at >> KvmLimits.PageShift, inPage, data, done, chunk);
                done += chunk;
            }
        }

        public void TruncateMemfd(SimMemfd memfd, ulong size)
        {
            if (memfd.Sealed && size % (ulong)KvmLimits.PageSize != 0)
                throw Refuse(KernelOperation.MemfdTruncate, KernelRules.MemfdPartialTruncate, $"memfd inode {memfd.Number} to {Hex.Address(size)}", "partial page");
            ulong first = (size + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift;
            if (size < memfd.Store.Size && memfd.LockedPages.Overlaps(first, memfd.Store.Pages))
            {
                // truncate_inode_pages waits on the locked page: it finishes when put_unlock_pfn drops the lock.
                memfd.WaitingTruncate = size;
                Emit(new TruncateWaitsOnPageLock(memfd.Number, memfd.LockedPages.Overlapping(first, memfd.Store.Pages)[0].Start, DesignDecisions.PageLockPopulation));
                return;
            }
            ShrinkOrGrow(memfd, size);
        }

        /// <summary>shmem_setattr → shmem_undo_range: the owner's callback for the pages going, then the pages go.</summary>
        private void ShrinkOrGrow(SimMemfd memfd, ulong size)
        {
            ulong first = (size + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift, end = memfd.Store.Pages;
            if (first < end)
            {
                InvalidateOwner(memfd, first, end);
                foreach (var fault in pendingFaults.Where(f => f.Memfd == memfd && f.Page >= first && f.Page < end)) fault.PageFreed = true;
            }
            ulong freed = memfd.Store.Resize(size);
            if (freed > 0) Emit(new PagesFreed(memfd.Number, first, end, freed));
        }

        /// <summary>guest_ops.invalidate_page_range(inode, owner, start, end), as the owner's design has it.</summary>
        private void InvalidateOwner(SimMemfd memfd, ulong first, ulong end)
        {
            var owner = memfd.Owner;
            if (owner == null) return;
            if (owner.Destroyed)
            {
                if (memfd.OwnerDesigns.OwnerCheck == OwnerCheck.VmList)
                {
                    Emit(new MemfdInvalidateCallback(memfd.Number, owner.Id, first, end, "the owner is not on vm_list: ignored", DesignDecisions.VmListCheck));
                    return;
                }
                Emit(new MemfdInvalidateCallback(memfd.Number, owner.Id, first, end, "the owner was freed", DesignDecisions.DanglingOwner));
                Emit(new UseAfterFree($"struct kvm of vm {owner.Id} (destroyed, still memfd inode {memfd.Number}'s guest owner)",
                    "guest_ops.invalidate_page_range", DesignDecisions.DanglingOwner));
                return;
            }
            int zapped = 0;
            foreach (var slot in owner.Slots.Values.Where(s => s.Memfd == memfd).ToList())
            {
                var (gfnFirst, gfnLast) = ClampedGfns(slot, first, end);
                if (gfnFirst >= gfnLast) continue;
                Zap(owner, slot, gfnFirst, gfnLast, InvalidationCause.PunchHole);
                zapped++;
            }
            Emit(new MemfdInvalidateCallback(memfd.Number, owner.Id, first, end, $"{zapped} slot(s) zapped", DesignDecisions.GuestOwner));
        }

        /// <summary>A private memslot over a sealed memfd (KVM_MEM_PRIVATE with private_fd): checked, then KVM registers as owner.</summary>
        private void CreateMemfdSlot(SimKvm kvm, UserMemoryRegion2 r, SimMemfd memfd, ulong baseGfn, ulong pages)
        {
            var op = KernelOperation.SetUserMemoryRegion2;
            if (!memfd.Sealed)
                throw Refuse(op, KernelRules.MemfdNotSealed, r, $"memfd inode {memfd.Number} has no F_SEAL_GUEST");
            if (r.GuestMemfdOffset + r.MemorySize > memfd.Store.Size)
                throw Refuse(op, KernelRules.GmemRangeOutsideFile, r, $"offset + size past the memfd's {Hex.Address(memfd.Store.Size)}");
            if (memfd.Owner != null && memfd.Owner != kvm)
                throw Refuse(op, KernelRules.MemfdOwnedByOther, r, $"vm {memfd.Owner.Id} is its guest owner");
            if (kvm.Designs.MemfdRegistration == MemfdRegistration.PerMemslot && memfd.OwnerSlot != null)
                throw Refuse(op, KernelRules.MemfdOwnedByOther, r, $"slot {memfd.OwnerSlot.Id} registered it (one memfd, one memslot)");
            var slot = new SimMemslot((int)(r.Slot >> 16), (ushort)r.Slot, r.Flags, baseGfn, pages, r.UserspaceAddr)
            {
                Memfd = memfd,
                PageOffset = r.GuestMemfdOffset >> KvmLimits.PageShift,
            };
            kvm.Slots[r.Slot] = slot;
            kvm.GfnSpace[slot.AddressSpace].Set(baseGfn, baseGfn + pages, slot);
            Emit(new SlotCreated(kvm.Id, slot.Id, baseGfn, pages, memfd.Number, slot.PageOffset));
            if (memfd.Owner != null) return;
            bool perSlot = kvm.Designs.MemfdRegistration == MemfdRegistration.PerMemslot;
            memfd.Owner = kvm;
            memfd.OwnerDesigns = kvm.Designs;
            memfd.OwnerSlot = perSlot ? slot : null;
            if (kvm.Designs.OwnerCheck == OwnerCheck.KvmHoldsMemfdRef)
            {
                memfd.References++;
                memfd.KvmHoldsReference = true;
                kvm.HeldMemfds.Add(memfd);
            }
            Emit(new MemfdOwnerRegistered(memfd.Number, kvm.Id, perSlot ? slot.Id : -1,
                perSlot ? DesignDecisions.PerMemslotRegistration : DesignDecisions.PerKvmRegistration));
        }

        /// <summary>A memfd slot goes: per-memslot registration ends with it.</summary>
        private static void UnbindMemfd(SimMemslot slot)
        {
            var memfd = slot.Memfd!;
            slot.Memfd = null;
            if (memfd.OwnerSlot != slot) return;
            memfd.OwnerSlot = null;
            memfd.Owner = null;
        }

        /// <summary>kvm_destroy_vm under OwnerCheck.KvmHoldsMemfdRef: unregister, then drop the reference.</summary>
        private void ReleaseHeldMemfds(SimKvm kvm)
        {
            foreach (var memfd in kvm.HeldMemfds.ToList())
            {
                memfd.Owner = null;
                memfd.OwnerSlot = null;
                memfd.KvmHoldsReference = false;
                Emit(new MemfdOwnerUnregistered(memfd.Number, kvm.Id, DesignDecisions.KvmHoldsMemfd));
                PutMemfd(memfd);
            }
            kvm.HeldMemfds.Clear();
        }

        private void PutMemfd(SimMemfd memfd)
        {
            if (--memfd.References > 0) return;
            // The last reference: shmem evicts the inode, truncating it through the owner's callback.
            if (memfd.Store.Size > 0) ShrinkOrGrow(memfd, 0);
            foreach (var slot in memfd.Owner?.Slots.Values.Where(s => s.Memfd == memfd).ToList() ?? new List<SimMemslot>())
                UnbindMemfd(slot);
            memfd.Released = true;
            liveMemfds.Remove(memfd);
        }

        public SimGuestFault StartGuestFault(SimKvm kvm, ulong gpa)
        {
            ulong gfn = gpa >> KvmLimits.PageShift;
            string request = $"vm {kvm.Id} gpa {Hex.Address(gpa)}";
            if (!kvm.GfnSpace[0].TryGet(gfn, out var hit) || hit.Value.Memfd == null)
                throw Refuse(KernelOperation.GuestFault, KernelRules.GuestFaultNotMemfd, request, "no sealed-memfd slot there");
            var slot = hit.Value;
            var memfd = slot.Memfd!;
            ulong page = slot.FilePage(gfn);
            if (page >= memfd.Store.Pages)
                throw Refuse(KernelOperation.GuestFault, KernelRules.GuestFaultNotMemfd, request, $"page {page} is past the memfd's end");
            bool locked = kvm.Designs.PopulationLock == PopulationLock.PageLock;
            ulong added = memfd.Store.Allocate(page, page + 1);
            if (added > 0) Emit(new PagesAllocated(memfd.Number, page, page + 1, added));
            if (locked) memfd.LockedPages.Set(page, page + 1, true);
            var fault = new SimGuestFault(kvm, slot, memfd, gfn, page, locked);
            pendingFaults.Add(fault);
            Emit(new GuestFaultStarted(kvm.Id, gfn, memfd.Number, page, locked,
                locked ? DesignDecisions.PageLockPopulation : DesignDecisions.UnlockedPopulation));
            return fault;
        }

        public void CompleteGuestFault(SimGuestFault fault)
        {
            if (fault.Completed) return;
            fault.Completed = true;
            pendingFaults.Remove(fault);
            var kvm = fault.Kvm;
            if (fault.PageFreed && !kvm.Destroyed)
            {
                kvm.StaleGfns.Set(fault.Gfn, fault.Gfn + 1, DesignDecisions.UnlockedPopulation);
                Emit(new GuestFaultCompleted(kvm.Id, fault.Gfn, true, DesignDecisions.UnlockedPopulation));
                Emit(new StaleMappingLeft(kvm.Id, fault.Slot.Id, fault.Gfn, fault.Gfn + 1, DesignDecisions.UnlockedPopulation));
            }
            else
                Emit(new GuestFaultCompleted(kvm.Id, fault.Gfn, false, fault.Locked ? DesignDecisions.PageLockPopulation : DesignDecisions.UnlockedPopulation));
            if (!fault.Locked) return;
            var memfd = fault.Memfd;
            memfd.LockedPages.Clear(fault.Page, fault.Page + 1);
            if (memfd.WaitingTruncate is ulong size && !memfd.LockedPages.Overlaps((size + (ulong)KvmLimits.PageSize - 1) >> KvmLimits.PageShift, memfd.Store.Pages))
            {
                memfd.WaitingTruncate = null;
                ShrinkOrGrow(memfd, size);
            }
        }

        /// <summary>A vCPU access to a sealed-memfd slot: the memfd's page, or KVM_EXIT_MEMORY_FAULT past its end.</summary>
        private GuestAccessResult? GuestAccessToMemfd(SimMemslot slot, ulong gpa, ulong gfn, int inPage, byte[] buffer, bool write)
        {
            var memfd = slot.Memfd;
            if (memfd == null) return null;
            ulong page = slot.FilePage(gfn);
            if (page >= memfd.Store.Pages) return GuestAccessResult.MemoryFault(gpa, MemoryFaultFlags.Private);
            bool isNew = write ? memfd.Store.Write(page, inPage, buffer, 0, buffer.Length) : memfd.Store.Read(page, inPage, buffer, 0, buffer.Length);
            if (isNew) Emit(new PagesAllocated(memfd.Number, page, page + 1, 1));
            return GuestAccessResult.Done(write ? System.Array.Empty<byte>() : buffer);
        }
    }
}
