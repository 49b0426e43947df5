using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // KVM_SET_USER_MEMORY_REGION2 (§2.2, §2.3). The checks run in the kernel's order: kvm_vm_ioctl_set_memory_region,
    // check_memory_region_flags, kvm_set_memory_region, kvm_check_memslot_overlap, then kvm_gmem_bind.
    internal sealed partial class SimKernel
    {
        /// <summary>x86-64 TASK_SIZE_MAX with 4-level paging: the end of user address space for access_ok.</summary>
        private const ulong UserAddressLimit = 0x7ffffffff000UL;

        public void SetUserMemoryRegion2(SimKvm kvm, UserMemoryRegion2 r)
        {
            var op = KernelOperation.SetUserMemoryRegion2;
            int id = (ushort)r.Slot;
            int addressSpace = (int)(r.Slot >> 16);
            ulong page = (ulong)KvmLimits.PageSize;
            bool gmem = (r.Flags & MemslotFlags.GuestMemfd) != 0;

            if (id >= KvmLimits.UserMemSlots)
                throw Refuse(op, KernelRules.SlotIdOutOfRange, r, $"slot id {id} >= {KvmLimits.UserMemSlots}");
            var valid = MemslotFlags.LogDirtyPages | MemslotFlags.GuestMemfd;
            if (gmem) valid &= ~MemslotFlags.LogDirtyPages;
            if (!gmem && !kvm.HasPrivateMemory) valid |= MemslotFlags.ReadOnly;
            if ((r.Flags & ~valid) != 0)
                throw Refuse(op, KernelRules.MemslotFlagsInvalid, r, $"flags 0x{(uint)r.Flags:x}, valid here 0x{(uint)valid:x}");
            if (r.MemorySize % page != 0)
                throw Refuse(op, KernelRules.MemslotSizeUnaligned, r, $"memory_size {Hex.Address(r.MemorySize)}");
            if (r.GuestPhysAddr % page != 0)
                throw Refuse(op, KernelRules.MemslotGpaUnaligned, r, $"guest_phys_addr {Hex.Address(r.GuestPhysAddr)}");
            if (r.UserspaceAddr % page != 0 || r.UserspaceAddr + r.MemorySize < r.UserspaceAddr
                || r.UserspaceAddr + r.MemorySize > UserAddressLimit)
                throw Refuse(op, KernelRules.MemslotUserspaceAddrInvalid, r, $"userspace_addr {Hex.Address(r.UserspaceAddr)}");
            if (gmem && (r.GuestMemfdOffset % page != 0 || r.GuestMemfdOffset + r.MemorySize < r.GuestMemfdOffset))
                throw Refuse(op, KernelRules.MemslotGmemOffsetInvalid, r, $"guest_memfd_offset {Hex.Address(r.GuestMemfdOffset)}");
            if (addressSpace >= Profile.AddressSpaces)
                throw Refuse(op, KernelRules.SlotIdOutOfRange, r, $"address space {addressSpace} >= {Profile.AddressSpaces}");
            if (r.GuestPhysAddr + r.MemorySize < r.GuestPhysAddr)
                throw Refuse(op, KernelRules.MemslotGpaOverflow, r, $"{Hex.Address(r.GuestPhysAddr)} + {Hex.Address(r.MemorySize)}");
            ulong pages = r.MemorySize >> KvmLimits.PageShift;
            if (pages > KvmLimits.MaxPagesPerSlot)
                throw Refuse(op, KernelRules.MemslotTooLarge, r, $"{pages} pages");

            kvm.Slots.TryGetValue(r.Slot, out SimMemslot? old);
            if (r.IsDelete)
            {
                if (old == null)
                    throw Refuse(op, KernelRules.MemslotDeleteMissing, r, $"slot {r.Slot} is empty");
                DeleteSlot(kvm, old);
                return;
            }

            ulong baseGfn = r.GuestPhysAddr >> KvmLimits.PageShift;
            if (old != null)
            {
                ModifySlot(kvm, old, r, baseGfn, pages);
                return;
            }

            var space = kvm.GfnSpace[addressSpace];
            if (space.TryGetFirstOverlap(baseGfn, baseGfn + pages, out var overlap))
            {
                var other = overlap.Value;
                throw Refuse(op, KernelRules.MemslotGpaOverlap, r,
                    $"gpa [{Hex.Address(r.GuestPhysAddr)}, {Hex.Address(r.GuestPhysAddr + r.MemorySize)}) meets slot {other.Id} at gpa {Hex.Address(other.BaseGfn << KvmLimits.PageShift)}");
            }

            // Seed C: a private slot over a sealed memfd, where the VM's design allows one (upstream refuses the fd below).
            if (gmem && kvm.Designs.PrivateBacking == PrivateBacking.SealedMemfd
                && descriptors.TryGetValue((int)r.GuestMemfd, out object? backing) && backing is SimMemfd memfd)
            {
                CreateMemfdSlot(kvm, r, memfd, baseGfn, pages);
                return;
            }
            var slot = new SimMemslot(addressSpace, id, r.Flags, baseGfn, pages, r.UserspaceAddr);
            SimGmemFile? file = gmem ? CheckBind(kvm, r, pages) : null;
            // kvm_arch_prepare_memory_region, after kvm_gmem_bind.
            CheckMaxGfn(r, baseGfn, pages);
            // Commit: nothing above changed any state.
            if (file != null)
            {
                slot.GmemFile = file;
                slot.PageOffset = r.GuestMemfdOffset >> KvmLimits.PageShift;
                slot.GmemOnly = file.Inode.Mmapable;
                // Without seed D's 1:1 check a second slot may map pages already bound: the index keeps the first.
                slot.Aliased = file.Bindings.Overlaps(slot.PageOffset, slot.PageOffset + pages);
                if (!slot.Aliased) file.Bindings.Set(slot.PageOffset, slot.PageOffset + pages, slot);
            }
            kvm.Slots[r.Slot] = slot;
            space.Set(baseGfn, baseGfn + pages, slot);
            Emit(new SlotCreated(kvm.Id, (int)r.Slot, baseGfn, pages, file?.Inode.Number ?? -1, slot.PageOffset));
            if (file != null && file.SlotsPinFile) BindPinnedFile(file, kvm);
            if (slot.Aliased)
                Emit(new AliasedBinding(kvm.Id, slot.Id, FirstBoundSlot(file!, slot.PageOffset, pages).Id,
                    file!.Inode.Number, slot.PageOffset, slot.PageOffset + pages, DesignDecisions.OneToOne));
        }

        /// <summary>kvm_gmem_bind's checks; returns the file to bind.</summary>
        private SimGmemFile CheckBind(SimKvm kvm, UserMemoryRegion2 r, ulong pages)
        {
            var op = KernelOperation.SetUserMemoryRegion2;
            if (!descriptors.TryGetValue((int)r.GuestMemfd, out object? target) || (int)r.GuestMemfd < 0)
                throw Refuse(op, KernelRules.GmemFdNotOpen, r, $"descriptor {(int)r.GuestMemfd} is not open");
            if (!(target is SimGmemFile file))
                throw Refuse(op, KernelRules.GmemFdNotGuestMemfd, r, $"descriptor {r.GuestMemfd} is {DescribeTarget(target)}");
            CheckOwner(file, kvm, r);
            ulong start = r.GuestMemfdOffset >> KvmLimits.PageShift;
            // kvm_gmem_bind adds offset and size as loff_t: a sum past 2^63 wraps negative and passes (measured: offset
            // 2^63 - 4096 with one page binds on a 4 MiB file). The simulator does what the kernel does.
            long end = unchecked((long)r.GuestMemfdOffset + (long)r.MemorySize);
            if ((long)r.GuestMemfdOffset < 0 || end > (long)file.Inode.Size)
                throw Refuse(op, KernelRules.GmemRangeOutsideFile, r,
                    $"offset {Hex.Address(r.GuestMemfdOffset)} + size {Hex.Address(r.MemorySize)} > file size {Hex.Address(file.Inode.Size)}");
            if (file.Bindings.Overlaps(start, start + pages) && kvm.Designs.DuplicateBindingCheck == DuplicateBindingCheck.Enforced)
                throw Refuse(op, KernelRules.GmemRangeAlreadyBound, r, $"file pages overlap those of slot {FirstBoundSlot(file, start, pages).Id}");
            return file;
        }

        /// <summary>The slot bound to the first file page of [start, start + pages) that has one (the caller knows one does).</summary>
        private static SimMemslot FirstBoundSlot(SimGmemFile file, ulong start, ulong pages)
        {
            file.Bindings.TryGetFirstOverlap(start, start + pages, out var binding);
            return binding.Value;
        }

        private static string DescribeTarget(object target) => target switch
        {
            SimKvm kvm => $"the fd of vm {kvm.Id}",
            SimMemfd memfd => $"memfd inode {memfd.Number} (a shmem memfd, not a guest_memfd)",
            _ when ReferenceEquals(target, KvmDevice) => "/dev/kvm",
            _ => target.GetType().Name,
        };

        /// <summary>x86 kvm_arch_prepare_memory_region for a created or moved slot: its last gfn must be one the MMU can map.</summary>
        private void CheckMaxGfn(UserMemoryRegion2 r, ulong baseGfn, ulong pages)
        {
            ulong maxGfn = (1UL << (Profile.MmuMaxGpaBits - KvmLimits.PageShift)) - 1;
            if (pages > 0 && baseGfn + pages - 1 > maxGfn)
                throw Refuse(KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotBeyondMaxGfn, r,
                    $"last gfn 0x{baseGfn + pages - 1:x} > kvm_mmu_max_gfn 0x{maxGfn:x}");
        }

        /// <summary>An existing slot: guest_memfd slots are immutable; others may move or change LOG_DIRTY_PAGES.</summary>
        private void ModifySlot(SimKvm kvm, SimMemslot old, UserMemoryRegion2 r, ulong baseGfn, ulong pages)
        {
            var op = KernelOperation.SetUserMemoryRegion2;
            if ((r.Flags & MemslotFlags.GuestMemfd) != 0)
                throw Refuse(op, KernelRules.MemslotGmemImmutable, r, $"slot {r.Slot} is bound to a guest_memfd");
            if (r.UserspaceAddr != old.UserspaceAddr || pages != old.Pages || ((r.Flags ^ old.Flags) & MemslotFlags.ReadOnly) != 0)
                throw Refuse(op, KernelRules.MemslotModifyInvalid, r, $"slot {r.Slot} has userspace_addr {Hex.Address(old.UserspaceAddr)}, {old.Pages} pages");
            // "KVM: Disallow toggling KVM_MEM_GUEST_MEMFD on an existing memslot" (6.19, stable): 6.18.0 accepted it.
            if (old.IsGmem && !AcceptsGmemToggle(kvm))
                throw Refuse(op, KernelRules.MemslotGmemImmutable, r, $"slot {r.Slot} is bound to a guest_memfd; dropping the flag is refused");
            if (old.IsGmem)
            {
                ReplaceSlotLeavingBinding(kvm, old, r.Flags, baseGfn);
                return;
            }
            if (baseGfn == old.BaseGfn && r.Flags == old.Flags) return;
            var space = kvm.GfnSpace[old.AddressSpace];
            if (baseGfn != old.BaseGfn)
            {
                foreach (var hit in space.Within(baseGfn, baseGfn + pages))
                    if (!ReferenceEquals(hit.Value, old))
                        throw Refuse(op, KernelRules.MemslotGpaOverlap, r, $"the new range meets slot {hit.Value.Id}");
                CheckMaxGfn(r, baseGfn, pages);
                Zap(kvm, old, old.BaseGfn, old.EndGfn, InvalidationCause.SlotDelete);
                space.Clear(old.BaseGfn, old.EndGfn);
                old.BaseGfn = baseGfn;
                space.Set(baseGfn, baseGfn + pages, old);
            }
            old.Flags = r.Flags;
        }

        /// <summary>kvm_invalidate_memslot zaps the whole slot, then kvm_free_memslot unbinds. File pages stay.</summary>
        private void DeleteSlot(SimKvm kvm, SimMemslot slot)
        {
            Zap(kvm, slot, slot.BaseGfn, slot.EndGfn, InvalidationCause.SlotDelete);
            Unbind(slot);
            kvm.GfnSpace[slot.AddressSpace].Clear(slot.BaseGfn, slot.EndGfn);
            kvm.Slots.Remove(((uint)slot.AddressSpace << 16) | (uint)slot.Id);
            Emit(new SlotDeleted(kvm.Id, slot.Id));
        }
    }
}
