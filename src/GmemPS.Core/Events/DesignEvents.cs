using GmemPS.Designs;

namespace GmemPS.Events
{
    /// <summary>
    /// An event of a design decision: what happened, and <see cref="Design"/>, the decision it illustrates
    /// (<see cref="DesignDecisions"/>), so a user reading Get-GmemEvent learns why.
    /// </summary>
    public abstract record DesignEvent(string Design) : GmemEvent
    {
        /// <summary>What happened; <see cref="Describe"/> appends the design decision.</summary>
        protected abstract string What();

        public sealed override string Describe() => $"{What()} [{Design}]";
    }

    // ---- Seed A: who pins whom ----

    public sealed record VmKeptAliveByFiles(int VmId, int Files, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId}'s fd closed but the VM lives on: {Files} guest_memfd file(s) still hold a reference on it";
    }

    public sealed record FileKeptAliveBySlots(long Inode, int Slots, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"inode {Inode}'s fd closed but the file lives on: {Slots} memslot(s) hold a reference on it, so nothing is zapped";
    }

    public sealed record GuestMemfdCreatedUnowned(long Inode, ulong Size, GmemPS.Kernel.GuestMemfdFlags Flags, int ViaVmId, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"guest_memfd inode {Inode} of {GmemPS.Kernel.Hex.Size(Size)} flags {Flags} created "
            + (ViaVmId < 0 ? "on /dev/kvm" : $"through vm {ViaVmId}'s fd") + " with no owner and no VM reference";
    }

    public sealed record DanglingBinding(int VmId, int Slot, long Inode, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} slot {Slot} dropped GUEST_MEMFD in a FLAGS_ONLY update: the slot was replaced and the old one freed, "
            + $"but inode {Inode}'s bindings still point at the old one";
    }

    public sealed record GmemOwnerSet(long Inode, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode} now owned by vm {VmId} (its first binding)";
    }

    public sealed record GmemOwnerCleared(long Inode, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode} no longer owned by vm {VmId} (its last binding went); any VM may bind it next";
    }

    public sealed record DataExposedToOtherVm(long Inode, int PreviousVmId, int VmId, ulong Pages, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"inode {Inode}, last bound by vm {PreviousVmId}, is now bound by vm {VmId} with {Pages} page(s) of vm {PreviousVmId}'s data: "
            + "a software-protected VM reads them, SNP/TDX would map them under the wrong ASID/HKID";
    }

    public sealed record PagesZeroedForNewOwner(long Inode, ulong Pages, string When, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: {Pages} page(s) freed and zeroed {When}";
    }

    public sealed record UseAfterFree(string Victim, string Path, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"USE-AFTER-FREE: {Path} dereferences {Victim}, which was already freed";
    }

    public sealed record GuestMemfdLinked(int VmId, long Inode, int SourceVmId, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} got its own view of inode {Inode} (vm {SourceVmId}'s guest_memfd): the memory is shared, the bindings are per view";
    }

    // ---- Seed D: per-slot invalidation ----

    public sealed record InvalidateCallback(int VmId, int Slot, bool Acted, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} slot {Slot}'s notifier called: " + (Acted ? "the punched pages are in its range, it zaps" : "nothing of the punch is in its range, it returns");
    }

    public sealed record MisdirectedInvalidation(int VmId, int Slot, ulong ZappedStart, ulong ZappedEnd, ulong IntendedStart, ulong IntendedEnd, string Why, string Design)
        : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} slot {Slot}: zapped gfns [{GmemPS.Kernel.Hex.Address(ZappedStart)}, {GmemPS.Kernel.Hex.Address(ZappedEnd)}) "
            + (IntendedStart == IntendedEnd ? "that back no punched page" : $"but the punched pages are gfns [{GmemPS.Kernel.Hex.Address(IntendedStart)}, {GmemPS.Kernel.Hex.Address(IntendedEnd)})")
            + $": {Why}";
    }

    public sealed record StaleMappingLeft(int VmId, int Slot, ulong GfnStart, ulong GfnEnd, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} slot {Slot}: gfns [{GmemPS.Kernel.Hex.Address(GfnStart)}, {GmemPS.Kernel.Hex.Address(GfnEnd)}) were not zapped, so their mappings still point at freed pages";
    }

    public sealed record AliasedBinding(int VmId, int Slot, int OtherSlot, long Inode, ulong FirstPage, ulong EndPage, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} slot {Slot} maps inode {Inode} pages [{FirstPage}, {EndPage}) that slot {OtherSlot} already maps; the file's index remembers only slot {OtherSlot}";
    }

    // ---- Seed B: in-place conversion with host references ----

    public sealed record PageStateChanged(long Inode, ulong FirstPage, ulong EndPage, GmemPageState State, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: pages [{FirstPage}, {EndPage}) now {State}";
    }

    public sealed record ConversionRefused(long Inode, ulong Page, string Reason, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: conversion stopped at page {Page} (offset {GmemPS.Kernel.Hex.Address(Page << GmemPS.Kernel.KvmLimits.PageShift)}): {Reason}";
    }

    public sealed record FinalPutCallback(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: the last host reference on page {Page} dropped; the folio_put callback completes its conversion to Private";
    }

    public sealed record PendingConversionCancelled(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: page {Page} shared again while pending: the callback is disarmed and the references restored";
    }

    public sealed record SpuriousRefcountFailure(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"inode {Inode}: page {Page}'s refcount check counted a speculative reference (compaction, a PFN scanner): the -EAGAIN and the refcount WARN are spurious";
    }

    public sealed record CallbackOnRemovedFolio(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"CRASH: inode {Inode}: the folio_put callback of punched page {Page} dereferences folio->mapping, which is NULL since the folio left the filemap";
    }

    public sealed record PendingConversionReset(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: pending page {Page} left the filemap: its callback is disarmed and its state reset to Private";
    }

    public sealed record HostMappingsZapped(long Inode, ulong FirstPage, ulong EndPage, int Mappings, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"inode {Inode}: pages [{FirstPage}, {EndPage}) unmapped from {Mappings} host mapping(s) before the conversion; a later host access gets SIGBUS";
    }

    public sealed record ConversionContentApplied(long Inode, ulong FirstPage, ulong EndPage, ConversionContent Content, ulong Pages, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"inode {Inode}: pages [{FirstPage}, {EndPage}) converted with {Content}: {Pages} allocated page(s) " + (Content == ConversionContent.Zero ? "zeroed" : "kept");
    }

    // ---- Seed C: the 2021 sealed memfd ----

    public sealed record MemfdSealed(long Inode, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"memfd inode {Inode} sealed with F_SEAL_GUEST: read, write and mmap now fail with EPERM";
    }

    public sealed record MemfdOwnerRegistered(long Inode, int VmId, int Slot, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"memfd inode {Inode} registered with vm {VmId}" + (Slot < 0 ? string.Empty : $" slot {Slot}") + " as its guest owner";
    }

    public sealed record MemfdOwnerUnregistered(long Inode, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"vm {VmId} unregistered from memfd inode {Inode} and dropped its reference before it was freed";
    }

    public sealed record MemfdInvalidateCallback(long Inode, int VmId, ulong FirstPage, ulong EndPage, string Outcome, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"memfd inode {Inode}: invalidate_page_range(owner vm {VmId}, pages [{FirstPage}, {EndPage})): {Outcome}";
    }

    public sealed record GuestFaultStarted(int VmId, ulong Gfn, long Inode, ulong Page, bool PageLocked, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} gfn {GmemPS.Kernel.Hex.Address(Gfn)}: KVM looked up memfd inode {Inode} page {Page}" + (PageLocked ? " and holds its page lock (get_lock_pfn)" : " without a lock");
    }

    public sealed record TruncateWaitsOnPageLock(long Inode, ulong Page, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"memfd inode {Inode}: the truncate waits on page {Page}'s lock until KVM has installed its entry";
    }

    public sealed record GuestFaultCompleted(int VmId, ulong Gfn, bool Stale, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"vm {VmId} gfn {GmemPS.Kernel.Hex.Address(Gfn)}: SEPT entry installed" + (Stale ? ", pointing at a page the truncate already freed" : " and the page unlocked (put_unlock_pfn)");
    }

    // ---- Seed E: VFIO holding the VM ----

    public sealed record VfioDeviceOpened(int Device, int Group, int VmId, string KvmReference, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"VFIO device {Device} (group {Group}) opened" + (VmId < 0 ? " with kvm == NULL" : $" with vm {VmId}") + $": {KvmReference}";
    }

    public sealed record KvmGetSafeFailed(int Device, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"VFIO device {Device}: kvm_get_kvm_safe failed, vm {VmId}'s users_count is 0; the device opens without a VM";
    }

    public sealed record DyingVmResurrected(int Device, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() =>
            $"VFIO device {Device}: kvm_get_kvm took vm {VmId}'s users_count from 0 to 1 while its destroy is pending: the device will use a freed VM";
    }

    public sealed record KvmReferenceDropped(int Device, int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"VFIO device {Device} dropped its reference on vm {VmId} right after opening";
    }

    public sealed record VmKeptAliveByVfio(int VmId, int Devices, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"vm {VmId} has no fd left but lives on: {Devices} VFIO device(s) hold it";
    }

    public sealed record VfioGroupKvmCleared(int Group, int VmId, string By, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"VFIO group {Group}: group->kvm (vm {VmId}) cleared by {By}";
    }

    public sealed record VmDestroyDeferred(int VmId, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"vm {VmId}'s users_count reached 0: kvm_destroy_vm queued on a workqueue";
    }

    public sealed record LockDeadlock(string Lock, string Held, string Path, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"DEADLOCK: {Path} takes {Lock} while this task already holds it (held: {Held})";
    }

    public sealed record LockOrderInversion(string First, string Second, string Path, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"lock order: {Path} takes {Second} after {First}, but {First} was taken after {Second} before (an ABBA deadlock)";
    }

    public sealed record KvmModulePinned(string Holder, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"rmmod kvm refused: {Holder}";
    }

    public sealed record KvmModuleUnloaded(string Note, string Design) : DesignEvent(Design)
    {
        protected override string What() => $"kvm.ko unloaded: {Note}";
    }
}
