using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // Seed A (2023): who pins whom. Upstream, the file pins the VM and the owner is fixed at creation (the
    // rest of the simulator). Ackerley's alternative, chosen per VM or file with PinModel.SlotPinsFile: each
    // memslot holds a file reference, the owner is set at the first bind and cleared at the last unbind, and
    // Sean's objection to that (rebinding exposes data) with his options (a), (b) and (c) as RebindPolicy.
    // Also the link RFC (a second view of an inode) and the 6.18.0 FLAGS_ONLY toggle bug.
    internal sealed partial class SimKernel
    {
        /// <summary>KVM_CREATE_GUEST_MEMFD on /dev/kvm: upstream refuses it; the alternative creates an owner-less file.</summary>
        public (SimGmemFile File, int Fd) CreateSystemGuestMemfd(CreateGuestMemfdRequest request, DesignPolicies designs)
        {
            var op = KernelOperation.SystemCreateGuestMemfd;
            if (designs.PinModel != PinModel.SlotPinsFile)
                throw Refuse(op, KernelRules.GmemCreateIsVmIoctl, request, "the file would pin a VM, and there is none on /dev/kvm");
            CheckCreate(op, request, SupportedGmemFlags(null));
            var created = NewFile(null, request, designs);
            Emit(new GuestMemfdCreatedUnowned(created.File.Inode.Number, request.Size, request.Flags, -1, DesignDecisions.SystemIoctlCreate));
            return created;
        }

        /// <summary>KVM_LINK_GUEST_MEMFD: another view of <paramref name="source"/>'s inode, owned by <paramref name="kvm"/>.</summary>
        public (SimGmemFile File, int Fd) LinkGuestMemfd(SimKvm kvm, SimGmemFile source)
        {
            var op = KernelOperation.LinkGuestMemfd;
            if (kvm.Designs.GmemLink != GmemLink.LinkedViews)
                throw Refuse(op, KernelRules.GmemLinkNotSupported, $"inode {source.Inode.Number} into vm {kvm.Id}", "no such ioctl upstream");
            if (source.Released || source.Owner == kvm)
                throw Refuse(op, KernelRules.GmemLinkSourceInvalid, $"inode {source.Inode.Number} into vm {kvm.Id}",
                    source.Released ? "the source file is released" : $"vm {kvm.Id} already owns that view");
            var linked = AddView(kvm.Designs.PinModel == PinModel.FilePinsVm ? kvm : null, source.Inode, kvm.Designs);
            Emit(new GuestMemfdLinked(kvm.Id, source.Inode.Number, source.OwnerId, DesignDecisions.LinkedViews));
            return linked;
        }

        /// <summary>kvm_gmem_bind's owner check: upstream the creating VM only; the alternative any VM while unowned.</summary>
        private static void CheckOwner(SimGmemFile file, SimKvm kvm, UserMemoryRegion2 r)
        {
            var op = KernelOperation.SetUserMemoryRegion2;
            if (!file.SlotsPinFile)
            {
                if (file.Owner != kvm)
                    throw Refuse(op, KernelRules.GmemFdOtherVm, r, $"it belongs to vm {file.OwnerId}, not vm {kvm.Id}");
                return;
            }
            if (file.Owner != null && file.Owner != kvm)
                throw Refuse(op, KernelRules.GmemFdOtherVm, r, $"vm {file.Owner.Id} owns it until its last binding goes");
            if (file.Designs.RebindPolicy == RebindPolicy.ForbidOtherVm && file.FirstOwner != null && file.FirstOwner != kvm)
                throw Refuse(op, KernelRules.GmemOwnerForbidsOtherVm, r, $"vm {file.FirstOwner.Id} bound it first");
        }

        /// <summary>The alternative's bind: the slot takes a file reference; an unowned file gets this VM as owner.</summary>
        private void BindPinnedFile(SimGmemFile file, SimKvm kvm)
        {
            file.References++;
            if (file.Owner != null) return;
            var previous = file.LastOwner;
            if (previous != null && previous != kvm)
            {
                ulong pages = file.Inode.AllocatedPages(0, file.Inode.Pages);
                if (file.Designs.RebindPolicy == RebindPolicy.ZeroOnRebind)
                {
                    ulong zeroed = file.Inode.Truncate(0, file.Inode.Pages);
                    Emit(new PagesZeroedForNewOwner(file.Inode.Number, zeroed, $"before vm {kvm.Id} binds it", DesignDecisions.ZeroOnRebind));
                }
                else if (pages > 0)
                    Emit(new DataExposedToOtherVm(file.Inode.Number, previous.Id, kvm.Id, pages, DesignDecisions.RebindExposes));
            }
            file.Owner = kvm;
            file.FirstOwner ??= kvm;
            file.LastOwner = kvm;
            Emit(new GmemOwnerSet(file.Inode.Number, kvm.Id, DesignDecisions.SlotPinsFile));
        }

        /// <summary>The alternative's unbind: the last binding clears the owner (and zeroes under option (b)); the slot's reference drops.</summary>
        private void UnbindPinnedFile(SimGmemFile file)
        {
            if (file.Bindings.Count == 0 && file.Owner != null)
            {
                Emit(new GmemOwnerCleared(file.Inode.Number, file.Owner.Id, DesignDecisions.SlotPinsFile));
                file.Owner = null;
                if (file.Designs.RebindPolicy == RebindPolicy.ZeroOnUnbind)
                {
                    ulong zeroed = file.Inode.Truncate(0, file.Inode.Pages);
                    Emit(new PagesZeroedForNewOwner(file.Inode.Number, zeroed, "at its last unbind", DesignDecisions.ZeroOnUnbind));
                }
            }
            PutFile(file);
        }

        /// <summary>Whether a VM's kernel accepts dropping GUEST_MEMFD from a bound slot (6.18.0, before 9935df5333aa).</summary>
        internal bool AcceptsGmemToggle(SimKvm? kvm) =>
            Profile.AcceptGuestMemfdToggle || (kvm != null && kvm.Designs.GmemFlagToggle == GmemFlagToggle.AcceptedPreFix);

        /// <summary>
        /// The 6.18.0 FLAGS_ONLY path for a guest_memfd slot: KVM installs a copy of the slot with the new flags and
        /// frees the old one, but nothing unbinds it, so the file's bindings keep pointing at freed memory.
        /// </summary>
        private void ReplaceSlotLeavingBinding(SimKvm kvm, SimMemslot old, MemslotFlags flags, ulong baseGfn)
        {
            var copy = new SimMemslot(old.AddressSpace, old.Id, flags, baseGfn, old.Pages, old.UserspaceAddr);
            var space = kvm.GfnSpace[old.AddressSpace];
            space.Clear(old.BaseGfn, old.EndGfn);
            space.Set(copy.BaseGfn, copy.EndGfn, copy);
            kvm.Slots[((uint)old.AddressSpace << 16) | (uint)old.Id] = copy;
            old.Freed = true;
            if (old.GmemFile != null)
                Emit(new DanglingBinding(kvm.Id, old.Id, old.GmemFile.Inode.Number, DesignDecisions.GmemToggleFix));
        }

        private void ReportStaleBinding(SimGmemFile file, SimMemslot slot, string path) =>
            Emit(new UseAfterFree($"memslot {slot.Id} of vm {file.OwnerId} (freed by a FLAGS_ONLY update, still in inode {file.Inode.Number}'s bindings)",
                path, DesignDecisions.GmemToggleFix));
    }
}
