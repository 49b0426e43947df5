using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // Who pins whom (§3): the VM fd and each guest_memfd file hold a reference on the VM; the fd and each
    // mapping hold a reference on the file; memslots hold none on the file. Seed A's alternative, where
    // memslots pin the file instead, is in SimKernel.Design.WhoPinsWhom.cs.
    internal sealed partial class SimKernel
    {
        public (SimKvm Kvm, int Fd) CreateVm(ulong type, DesignPolicies? designs = null)
        {
            if (type >= 64 || (Profile.VmTypes & (1UL << (int)type)) == 0)
                throw Refuse(KernelOperation.CreateVm, KernelRules.VmTypeUnsupported, $"type {type}",
                    $"type {type}; KVM_CAP_VM_TYPES is 0x{Profile.VmTypes:x}");
            var kvm = new SimKvm(nextVmId++, type, designs ?? DesignPolicies.Upstream);
            liveVms.Add(kvm);
            int fd = InstallDescriptor(kvm);
            Emit(new VmCreated(kvm.Id, type));
            return (kvm, fd);
        }

        public void CloseDescriptor(int fd)
        {
            if (!descriptors.TryGetValue(fd, out object? target))
                throw GmemException.Closed(KernelOperation.Close, $"descriptor {fd}");
            descriptors.Remove(fd);
            switch (target)
            {
                case SimKvm kvm:
                    PutKvm(kvm);
                    if (!kvm.Destroyed)
                    {
                        int pinning = liveFiles.Count(f => f.PinsOwner && f.Owner == kvm);
                        if (pinning > 0) Emit(new VmKeptAliveByFiles(kvm.Id, pinning, DesignDecisions.FilePinsVm));
                        int devices = vfioDevices.Count(d => !d.Released && d.HoldsKvm && d.Kvm == kvm);
                        if (devices > 0 && !descriptors.Values.Any(t => t is SimKvmVfioDevice k && k.Kvm == kvm))
                            Emit(new VmKeptAliveByVfio(kvm.Id, devices, kvm.Designs.VfioRefPolicy == VfioRefPolicy.VmFileRef ? DesignDecisions.VmFileRef : DesignDecisions.CoreSafeGet));
                    }
                    break;
                case SimKvmVfioDevice kvmVfio:
                    CloseKvmVfioDevice(kvmVfio);
                    if (!kvmVfio.Kvm.Destroyed && !kvmVfio.Kvm.DestroyPending && !descriptors.Values.Any(t => t == kvmVfio.Kvm))
                    {
                        int held = vfioDevices.Count(d => !d.Released && d.HoldsKvm && d.Kvm == kvmVfio.Kvm);
                        if (held > 0) Emit(new VmKeptAliveByVfio(kvmVfio.Kvm.Id, held, DesignDecisions.CoreSafeGet));
                    }
                    break;
                case SimVfioDevice device:
                    CloseVfioDevice(device);
                    break;
                case SimMemfd memfd:
                    PutMemfd(memfd);
                    break;
                case SimGmemFile file:
                    PutFile(file);
                    if (!file.Released && file.SlotsPinFile && BoundSlots(file).Count > 0)
                        Emit(new FileKeptAliveBySlots(file.Inode.Number, BoundSlots(file).Count, DesignDecisions.SlotPinsFile));
                    break;
            }
        }

        /// <summary>kvm_put_kvm: the last reference destroys the VM and frees its memslots.</summary>
        private void PutKvm(SimKvm kvm)
        {
            if (--kvm.UsersCount > 0 || DeferDestroy(kvm)) return;
            DestroyVm(kvm);
        }

        /// <summary>kvm_destroy_vm: its devices first (seed E's pre-fix kvm-vfio cleanup runs here), then the memslots.</summary>
        private void DestroyVm(SimKvm kvm)
        {
            if (kvm.Destroyed) return;
            kvm.DestroyPending = false;
            DestroyKvmDevices(kvm);
            // Upstream this unbinds nothing: every file of this VM was released first. Under seed A's
            // alternative, freeing the memslots drops their file references.
            foreach (var slot in kvm.Slots.Values.ToList())
                Unbind(slot);
            kvm.Slots.Clear();
            ReleaseHeldMemfds(kvm);
            foreach (var space in kvm.GfnSpace) space.Clear(0, ulong.MaxValue);
            kvm.Attributes.Clear(0, ulong.MaxValue);
            kvm.Destroyed = true;
            liveVms.Remove(kvm);
            Emit(new VmDestroyed(kvm.Id));
        }

        /// <summary>fput: the last reference runs kvm_gmem_release.</summary>
        private void PutFile(SimGmemFile file)
        {
            if (--file.References > 0) return;
            ReleaseFile(file);
        }

        /// <summary>
        /// kvm_gmem_release: every bound slot loses its file (slot->gmem.file = NULL) and has its whole
        /// range zapped; the slots themselves stay until userspace deletes them. Then the inode (and its
        /// memory) goes with its last view, and the VM reference drops.
        /// </summary>
        private void ReleaseFile(SimGmemFile file)
        {
            var bound = BoundSlots(file);
            foreach (var slot in bound)
            {
                if (slot.Freed)
                {
                    ReportStaleBinding(file, slot, "kvm_gmem_release, nulling slot->gmem.file of every binding,");
                    continue;
                }
                slot.GmemFile = null;
                Zap(file.Owner!, slot, slot.BaseGfn, slot.EndGfn, InvalidationCause.FileRelease);
            }
            file.Bindings.Clear(0, ulong.MaxValue);
            file.Released = true;
            file.Inode.Views.Remove(file);
            if (file.Inode.Views.Count == 0) RemovePendingPages(file.Inode, 0, file.Inode.Pages);
            ulong freed = file.Inode.Views.Count == 0 ? file.Inode.Truncate(0, file.Inode.Pages) : 0;
            liveFiles.Remove(file);
            Emit(new FileReleased(file.OwnerId, file.Inode.Number, bound.Count(s => !s.Freed)));
            if (freed > 0) Emit(new PagesFreed(file.Inode.Number, 0, file.Inode.Pages, freed));
            if (file.PinsOwner) PutKvm(file.Owner!);
        }

        /// <summary>kvm_gmem_unbind: clears the slot's bindings if its file is still there.</summary>
        private void Unbind(SimMemslot slot)
        {
            if (slot.Memfd != null) UnbindMemfd(slot);
            var file = slot.GmemFile;
            if (file == null) return;
            if (slot.Aliased)
            {
                slot.GmemFile = null; // never in the file's bindings
                return;
            }
            file.Bindings.Clear(slot.PageOffset, slot.PageOffset + slot.Pages);
            slot.GmemFile = null;
            if (file.SlotsPinFile) UnbindPinnedFile(file);
        }

        /// <summary>The slots pointing at a file: its bindings, and (seed D without the 1:1 check) the slots aliasing them.</summary>
        private static System.Collections.Generic.List<SimMemslot> BoundSlots(SimGmemFile file) =>
            file.Bindings.All.Select(b => b.Value)
                .Concat(file.Owner?.Slots.Values.Where(s => s.Aliased && ReferenceEquals(s.GmemFile, file)) ?? Enumerable.Empty<SimMemslot>())
                .Distinct().ToList();
    }
}
