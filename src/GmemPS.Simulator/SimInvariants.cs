using System;
using System.Linq;
using GmemPS.Designs;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    /// <summary>
    /// The model's invariants, checked after every step by the tests: bindings and slots agree 1:1, gpa
    /// ranges never overlap, reference counts equal the references that exist, and nothing of a destroyed
    /// VM or released file is reachable — except what a modelled bug leaves dangling, which must be that bug.
    /// </summary>
    internal static class SimInvariants
    {
        public static void Check(SimKernel kernel)
        {
            foreach (var kvm in kernel.LiveVms) CheckVm(kernel, kvm);
            foreach (var file in kernel.LiveFiles) CheckFile(kernel, file);
            foreach (var inode in kernel.LiveFiles.Select(f => f.Inode).Distinct()) CheckPageStates(kernel, inode);
            foreach (var mapping in kernel.LiveMappings.Where(m => m.File != null))
                foreach (var faulted in mapping.Faulted.All)
                    for (ulong page = faulted.Start; page < faulted.End; page++)
                        if (!SimKernel.HostMayMap(mapping.File!.Inode, page))
                            Fail($"inode {mapping.File.Inode.Number}: page {page} is mapped in the host but the host may not map it");
            foreach (var memfd in kernel.LiveMemfds) CheckMemfd(kernel, memfd);
            if (kernel.HeldLocks.Count > 0) Fail($"locks still held between operations: {string.Join(", ", kernel.HeldLocks)}");
            foreach (var group in kernel.VfioGroups)
                    if (group.Kvm != null && group.Kvm.Destroyed) Fail($"VFIO group {group.Number}: group->kvm points at destroyed vm {group.Kvm.Id}");
            foreach (var target in kernel.Descriptors.Values)
            {
                if (target is SimKvm k && k.Destroyed) Fail($"a descriptor still refers to destroyed vm {k.Id}");
                if (target is SimGmemFile f && f.Released) Fail($"a descriptor still refers to released inode {f.Inode.Number}");
            }
        }

        private static void CheckVm(SimKernel kernel, SimKvm kvm)
        {
            if (kvm.Destroyed) Fail($"vm {kvm.Id} is destroyed but still listed");
            int fds = kernel.Descriptors.Values.Count(t => ReferenceEquals(t, kvm));
            int files = kernel.LiveFiles.Count(f => f.PinsOwner && f.Owner == kvm);
            int kvmVfio = kernel.Descriptors.Values.Count(t => t is SimKvmVfioDevice d && d.Kvm == kvm);
            int vfio = kernel.VfioDevices.Count(d => !d.Released && d.HoldsKvm && d.Kvm == kvm);
            if (kvm.UsersCount != fds + files + kvmVfio + vfio)
                Fail($"vm {kvm.Id}: users_count {kvm.UsersCount} but {fds} VM fd(s), {files} live file(s), {kvmVfio} kvm-vfio device fd(s) and {vfio} VFIO device(s) hold it");
            if (kvm.DestroyPending && kvm.Designs.DestroyTrigger != DestroyTrigger.AsyncPut) Fail($"vm {kvm.Id}: a deferred destroy without kvm_put_kvm_async");
            for (int space = 0; space < SimKvm.AddressSpaces; space++)
            {
                ulong previousEnd = 0;
                foreach (var r in kvm.GfnSpace[space].All)
                {
                    if (previousEnd > r.Start) Fail($"vm {kvm.Id}: gfn ranges overlap in address space {space}");
                    previousEnd = r.End;
                    var slot = r.Value;
                    if (r.Start != slot.BaseGfn || r.End != slot.EndGfn) Fail($"vm {kvm.Id} slot {slot.Id}: gfn map disagrees with the slot");
                    if (!kvm.Slots.TryGetValue(((uint)space << 16) | (uint)slot.Id, out var listed) || !ReferenceEquals(listed, slot))
                        Fail($"vm {kvm.Id} slot {slot.Id}: in the gfn map but not in the slot table");
                }
            }
            if (kvm.Slots.Count != kvm.GfnSpace.Sum(s => s.Count)) Fail($"vm {kvm.Id}: slot table and gfn map differ in size");
            if (kvm.StaleGfns.Count > 0 && !kvm.Designs.CanLeaveStaleMappings)
                Fail($"vm {kvm.Id}: gfns map freed pages, but none of its designs can leave a stale mapping");
            foreach (var slot in kvm.Slots.Values)
            {
                if (slot.Memfd != null)
                {
                    var memfd = slot.Memfd;
                    if (memfd.Released || memfd.Owner != kvm) Fail($"vm {kvm.Id} slot {slot.Id}: backed by memfd inode {memfd.Number}, which it does not own");
                    if (memfd.OwnerSlot != null && memfd.OwnerSlot != slot && kvm.Designs.MemfdRegistration == MemfdRegistration.PerMemslot)
                        Fail($"vm {kvm.Id} slot {slot.Id}: a second slot over a per-memslot memfd");
                    continue;
                }
                if (slot.Freed) Fail($"vm {kvm.Id} slot {slot.Id}: freed but still in the slot table");
                var file = slot.GmemFile;
                if (file == null) continue;
                if (!slot.IsGmem) Fail($"vm {kvm.Id} slot {slot.Id}: bound to a file without the GUEST_MEMFD flag");
                if (file.Released) Fail($"vm {kvm.Id} slot {slot.Id}: points at released inode {file.Inode.Number}");
                if (file.Owner != kvm) Fail($"vm {kvm.Id} slot {slot.Id}: bound to a file of vm {file.OwnerId}");
                if (slot.Aliased)
                {
                    // Seed D without the 1:1 check: another slot holds these file pages in the index.
                    if (kvm.Designs.DuplicateBindingCheck != DuplicateBindingCheck.Off) Fail($"vm {kvm.Id} slot {slot.Id}: aliases file pages on a VM that checks 1:1");
                    if (!file.Bindings.Overlaps(slot.PageOffset, slot.PageOffset + slot.Pages)) Fail($"vm {kvm.Id} slot {slot.Id}: aliases pages nobody else binds");
                    continue;
                }
                var bound = file.Bindings.Overlapping(slot.PageOffset, slot.PageOffset + slot.Pages);
                if (bound.Count != 1 || !ReferenceEquals(bound[0].Value, slot) || bound[0].Start != slot.PageOffset || bound[0].Length != slot.Pages)
                    Fail($"vm {kvm.Id} slot {slot.Id}: the file's bindings do not hold exactly its page range");
            }
        }

        private static void CheckFile(SimKernel kernel, SimGmemFile file)
        {
            if (file.Released) Fail($"inode {file.Inode.Number} is released but still listed");
            if (file.Owner != null && file.Owner.Destroyed) Fail($"inode {file.Inode.Number} is live but its vm {file.Owner.Id} was destroyed");
            if (file.PinsOwner && file.Owner == null) Fail($"inode {file.Inode.Number} pins a VM but has no owner");
            if (!file.Inode.Views.Contains(file)) Fail($"inode {file.Inode.Number}: a live view is missing from the inode's list");
            // fallocate and faults stop at i_size: an allocated page past it is memory no request could have made.
            if (file.Inode.AllocatedPages(file.Inode.Pages, ulong.MaxValue) > 0)
                Fail($"inode {file.Inode.Number}: pages allocated past its size of {file.Inode.Pages} pages");
            int fds = kernel.Descriptors.Values.Count(t => ReferenceEquals(t, file));
            if (fds > 1) Fail($"inode {file.Inode.Number}: {fds} descriptors");
            int mappings = kernel.LiveMappings.Count(m => m.File == file);
            var slots = file.Bindings.All.Select(b => b.Value).Distinct().ToList();
            int pinningSlots = file.SlotsPinFile ? slots.Count : 0;
            if (file.References != fds + mappings + pinningSlots)
                Fail($"inode {file.Inode.Number}: f_count {file.References} but {fds} fd(s), {mappings} mapping(s) and {pinningSlots} pinning slot(s)");
            if (file.SlotsPinFile && (file.Owner == null) != (slots.Count == 0))
                Fail($"inode {file.Inode.Number}: owner {file.OwnerId} with {slots.Count} binding(s); the owner lives exactly as long as a binding");
            foreach (var b in file.Bindings.All)
            {
                var slot = b.Value;
                if (!ReferenceEquals(slot.GmemFile, file)) Fail($"inode {file.Inode.Number}: binding to slot {slot.Id} that does not point back");
                if (slot.Aliased) Fail($"inode {file.Inode.Number}: the index holds aliasing slot {slot.Id}");
                // Past the end only where the kernel's own loff_t sum wrapped (kvm_gmem_bind lets that through).
                if (b.End > file.Inode.Pages && b.End < 1UL << (63 - GmemPS.Kernel.KvmLimits.PageShift))
                    Fail($"inode {file.Inode.Number}: binding past the end of the file");
                if (slot.Freed)
                {
                    // Only the 6.18.0 FLAGS_ONLY bug leaves a binding on a freed slot.
                    if (!kernel.AcceptsGmemToggle(file.Owner)) Fail($"inode {file.Inode.Number}: bound to freed slot {slot.Id} on a kernel without the toggle bug");
                    continue;
                }
                if (file.Owner == null || !file.Owner.Slots.Values.Contains(slot)) Fail($"inode {file.Inode.Number}: bound to slot {slot.Id} that its vm no longer has");
            }
        }

        /// <summary>Seed B: a per-page state for every page under its designs, none upstream; a Pending page waits on a host reference.</summary>
        private static void CheckPageStates(SimKernel kernel, SimGmemInode inode)
        {
            if (inode.Conversion == ConversionModel.VmAttributes)
            {
                if (inode.States.Count != 0) Fail($"inode {inode.Number}: per-page states on an upstream guest_memfd");
                return;
            }
            if (inode.States.Covered(0, inode.Pages) != inode.Pages) Fail($"inode {inode.Number}: a page has no state");
            foreach (var run in inode.States.All.Where(s => s.Value == GmemPageState.Pending))
                for (ulong page = run.Start; page < run.End; page++)
                    if (kernel.ReferencesOn(inode, page) == 0) Fail($"inode {inode.Number}: page {page} is Pending with no host reference to wait for");
        }

        /// <summary>Seed C: only a sealed memfd has an owner; a dangling one only where the owner code allows it; the references add up.</summary>
        private static void CheckMemfd(SimKernel kernel, SimMemfd memfd)
        {
            int fds = kernel.Descriptors.Values.Count(t => ReferenceEquals(t, memfd));
            if (memfd.References != fds + (memfd.KvmHoldsReference ? 1 : 0))
                Fail($"memfd inode {memfd.Number}: {memfd.References} reference(s) but {fds} fd(s){(memfd.KvmHoldsReference ? " and KVM's" : string.Empty)}");
            var locked = kernel.PendingFaults.Where(f => f.Memfd == memfd && f.Locked).Select(f => f.Page).ToList();
            if ((ulong)locked.Count != memfd.LockedPages.Covered(0, ulong.MaxValue)) Fail($"memfd inode {memfd.Number}: page locks without a fault holding them");
            if (memfd.Owner == null) return;
            if (!memfd.Sealed) Fail($"memfd inode {memfd.Number}: a guest owner on an unsealed memfd");
            if (memfd.Owner.Destroyed && memfd.OwnerDesigns.OwnerCheck == OwnerCheck.KvmHoldsMemfdRef)
                Fail($"memfd inode {memfd.Number}: owner vm {memfd.Owner.Id} destroyed though it held a reference");
            if (memfd.KvmHoldsReference != memfd.Owner.HeldMemfds.Contains(memfd)) Fail($"memfd inode {memfd.Number}: KVM's reference is not recorded on both sides");
        }

        private static void Fail(string message) => throw new InvalidOperationException("Simulator invariant broken: " + message);
    }
}
