using System.Collections.Generic;

namespace GmemPS.Designs
{
    /// <summary>§A: which reference holds the other alive, the guest_memfd file or the memslot.</summary>
    public enum PinModel
    {
        /// <summary>Upstream (v6.8): the file pins the VM from creation; a memslot keeps only a weak pointer to the file.</summary>
        FilePinsVm,
        /// <summary>Ackerley's alternative: a memslot holds a file reference; the owner VM is set at the first bind and cleared at the last unbind.</summary>
        SlotPinsFile,
    }

    /// <summary>§A, Sean's options for a file whose owner was cleared and which is bound to another VM.</summary>
    public enum RebindPolicy
    {
        /// <summary>No protection: the new VM sees the previous owner's data (the objection).</summary>
        Expose,
        /// <summary>Option (a): never allow a VM other than the first owner.</summary>
        ForbidOtherVm,
        /// <summary>Option (b): free (zero) the memory when the last binding goes.</summary>
        ZeroOnUnbind,
        /// <summary>Option (c): free (zero) the memory when a different VM binds it.</summary>
        ZeroOnRebind,
    }

    /// <summary>Toggling KVM_MEM_GUEST_MEMFD on an existing memslot with a FLAGS_ONLY change.</summary>
    public enum GmemFlagToggle
    {
        /// <summary>6.19-rc1 (9935df5333aa, backported): refused with EINVAL.</summary>
        Refused,
        /// <summary>6.18.0: accepted, leaving the file's binding pointing at the freed old memslot.</summary>
        AcceptedPreFix,
    }

    /// <summary>§A, the link RFC: whether a second VM can get its own view (file) of a guest_memfd inode.</summary>
    public enum GmemLink
    {
        /// <summary>Upstream: no uAPI creates a second view.</summary>
        None,
        /// <summary>KVM_LINK_GUEST_MEMFD (Ackerley 2023, Afranji 2025): a new file over the same inode, owned by another VM.</summary>
        LinkedViews,
    }

    /// <summary>§D: how a punch in a file finds the memslots (and gfns) to zap.</summary>
    public enum OffsetIndex
    {
        /// <summary>Upstream: each file's bindings xarray, file page → memslot; only that file's slots are visited.</summary>
        PerFileBindings,
        /// <summary>Chao's v3 ofs_tree: one per-VM interval tree keyed by file offset alone, whatever the file.</summary>
        PerVmOffsetTree,
        /// <summary>Sean's proposal: a notifier per memslot; the store calls every registered slot and each one filters.</summary>
        PerSlotNotifier,
    }

    /// <summary>§D: the file-page → gfn arithmetic of an invalidation.</summary>
    public enum GfnMath
    {
        /// <summary>Upstream: base_gfn + max(pgoff, s) − pgoff … base_gfn + min(pgoff + npages, e) − pgoff.</summary>
        Clamped,
        /// <summary>Sean's sketch ("likely with bad math"): base_gfn left out of both ends, the start never clamped.</summary>
        SketchWithoutBaseGfn,
    }

    /// <summary>§D: whether one file page may back two gfns of a VM.</summary>
    public enum DuplicateBindingCheck
    {
        /// <summary>Upstream: a range already bound is refused, so gfn ↔ file+offset stays 1:1.</summary>
        Enforced,
        /// <summary>No check: a second slot aliases the page, and the per-file index can remember only one of them.</summary>
        Off,
    }

    /// <summary>§B: how memory converts between shared and private.</summary>
    public enum ConversionModel
    {
        /// <summary>Upstream 6.18: KVM_SET_MEMORY_ATTRIBUTES on the VM; a guest_memfd is shared or private as a whole (INIT_SHARED).</summary>
        VmAttributes,
        /// <summary>Fuad's RFC v5 (Jan 2025): per-page mappability (all / guest / none) with a final-folio_put callback.</summary>
        FolioCallback,
        /// <summary>The 2026 in-place conversion series: KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd, -EAGAIN with error_offset.</summary>
        GmemAttributes2,
    }

    /// <summary>§B, RFC v5: how unshare checks that the host holds no extra reference.</summary>
    public enum RefcountCheck
    {
        /// <summary>RFC v5: compare folio_ref_count with the expected count (a speculative reference defeats it).</summary>
        Plain,
        /// <summary>RFC v6 (Vlastimil, Kirill): folio_ref_freeze, which fails or succeeds atomically.</summary>
        Frozen,
    }

    /// <summary>§B, RFC v5: what a punch does to a page whose conversion is pending (NONE, callback armed).</summary>
    public enum PendingPunch
    {
        /// <summary>RFC v5: nothing; the callback later runs on a folio whose mapping is gone (Ackerley's crash).</summary>
        CallbackOnRemovedFolio,
        /// <summary>The fix: the state is reset and the callback disarmed when the folio leaves the filemap.</summary>
        ResetOnRemoval,
    }

    /// <summary>§B, 2026: whether the architecture can keep the contents of a converted page (KVM_..._PRESERVE).</summary>
    public enum PreserveContent
    {
        Supported,
        /// <summary>The arch cannot (e.g. it encrypts with a key per state): PRESERVE fails with -EOPNOTSUPP.</summary>
        Unsupported,
    }

    /// <summary>§C: what may back a VM's private memory.</summary>
    public enum PrivateBacking
    {
        /// <summary>Upstream: a guest_memfd; any other file in the guest_memfd field is refused (EINVAL).</summary>
        GuestMemfd,
        /// <summary>The 2021 proposal: a shmem memfd sealed with F_SEAL_GUEST, KVM registered as its owner.</summary>
        SealedMemfd,
    }

    /// <summary>§C: what the memfd's invalidate callback does when its owner VM is gone.</summary>
    public enum OwnerCheck
    {
        /// <summary>Kirill's patch as posted: nothing; the callback dereferences the freed struct kvm.</summary>
        None,
        /// <summary>Kirill's fix: look the owner up on vm_list and ignore the callback if it is gone.</summary>
        VmList,
        /// <summary>Sean (2021-09-02): KVM holds a memfd reference and unregisters before dropping it; a dangling owner cannot happen.</summary>
        KvmHoldsMemfdRef,
    }

    /// <summary>§C: what keeps a truncate away from a page KVM is mapping into the guest.</summary>
    public enum PopulationLock
    {
        /// <summary>get_lock_pfn .. put_unlock_pfn: the page lock is held until the entry is installed; truncate waits.</summary>
        PageLock,
        /// <summary>No lock: truncate can free the page between the lookup and the install (a stale entry).</summary>
        None,
    }

    /// <summary>§C: whom a memfd registers.</summary>
    public enum MemfdRegistration
    {
        /// <summary>Sean: one memfd, one KVM instance; any number of its memslots may split the memfd.</summary>
        PerKvm,
        /// <summary>Kirill's first sketch: one memfd, one memslot; a second slot of the same VM is refused.</summary>
        PerMemslot,
    }

    /// <summary>§E: how a VFIO device takes (or does not take) a reference on the VM it is used with.</summary>
    public enum VfioRefPolicy
    {
        /// <summary>Upstream (2b48f52f2bff, 2023): the VFIO core takes kvm_get_kvm_safe at first open, puts it at last close, outside group_lock.</summary>
        CoreSafeGet,
        /// <summary>Before the fix: the driver's open_device takes kvm_get_kvm and its close puts it under group_lock.</summary>
        DriverTakes,
        /// <summary>Ryabinin (2025): take the reference at first open and drop it right away.</summary>
        CoreGetThenDrop,
        /// <summary>Aneesh (2026): hold the VM's struct file instead of struct kvm.</summary>
        VmFileRef,
        /// <summary>Sean (2023-01-11, dropped): KVM hands VFIO get/put function pointers; no symbol_get, so nothing pins kvm.ko.</summary>
        KvmOpsGetPut,
    }

    /// <summary>§E: when the kvm-vfio device clears group->kvm.</summary>
    public enum KvmVfioCleanup
    {
        /// <summary>Upstream (51cdc8bc120e): at the device fd's .release.</summary>
        Release,
        /// <summary>Before the fix: in .destroy, which kvm_destroy_vm runs.</summary>
        Destroy,
    }

    /// <summary>§E: what the last kvm_put_kvm does.</summary>
    public enum DestroyTrigger
    {
        /// <summary>Upstream: kvm_destroy_vm runs right there, in the caller's context (and locks).</summary>
        SyncPut,
        /// <summary>Rosato's kvm_put_kvm_async (2023, dropped): a work item destroys the VM later.</summary>
        AsyncPut,
    }

    /// <summary>§E: what keeps kvm.ko loaded while VFIO holds a VM.</summary>
    public enum ModulePinning
    {
        /// <summary>Upstream: symbol_get(kvm_put_kvm) holds a reference on the module.</summary>
        SymbolGet,
        /// <summary>The 2026 series (Paolo, Eiden): an explicit module reference with an inline kvm_refcount.</summary>
        ModuleRef,
    }

    /// <summary>
    /// The designs a simulated VM (or a guest_memfd created without one) runs: one property per design axis
    /// argued on the mailing lists. The default of every property is upstream Linux 6.18, which the
    /// conformance suite proves against the real kernel; only the simulator runs anything else.
    /// </summary>
    public sealed record DesignPolicies
    {
        public static DesignPolicies Upstream { get; } = new DesignPolicies();

        public PinModel PinModel { get; init; }
        public RebindPolicy RebindPolicy { get; init; }
        public GmemFlagToggle GmemFlagToggle { get; init; }
        public GmemLink GmemLink { get; init; }
        public OffsetIndex OffsetIndex { get; init; }
        public GfnMath GfnMath { get; init; }
        public DuplicateBindingCheck DuplicateBindingCheck { get; init; }
        public ConversionModel ConversionModel { get; init; }
        public RefcountCheck RefcountCheck { get; init; }
        public PendingPunch PendingPunch { get; init; }
        public PreserveContent PreserveContent { get; init; }
        public PrivateBacking PrivateBacking { get; init; }
        public OwnerCheck OwnerCheck { get; init; }
        public PopulationLock PopulationLock { get; init; }
        public MemfdRegistration MemfdRegistration { get; init; }
        public VfioRefPolicy VfioRefPolicy { get; init; }
        public KvmVfioCleanup KvmVfioCleanup { get; init; }
        public DestroyTrigger DestroyTrigger { get; init; }
        public ModulePinning ModulePinning { get; init; }

        /// <summary>Every axis at its upstream value.</summary>
        public bool IsUpstream => Equals(Upstream);

        /// <summary>The axes that differ from upstream, as "Axis=Value" (empty for upstream).</summary>
        public IReadOnlyList<string> Deviations()
        {
            var list = new List<string>();
            void Add<T>(string name, T value, T upstream) where T : struct
            {
                if (!EqualityComparer<T>.Default.Equals(value, upstream)) list.Add($"{name}={value}");
            }
            Add(nameof(PinModel), PinModel, Upstream.PinModel);
            Add(nameof(RebindPolicy), RebindPolicy, Upstream.RebindPolicy);
            Add(nameof(GmemFlagToggle), GmemFlagToggle, Upstream.GmemFlagToggle);
            Add(nameof(GmemLink), GmemLink, Upstream.GmemLink);
            Add(nameof(OffsetIndex), OffsetIndex, Upstream.OffsetIndex);
            Add(nameof(GfnMath), GfnMath, Upstream.GfnMath);
            Add(nameof(DuplicateBindingCheck), DuplicateBindingCheck, Upstream.DuplicateBindingCheck);
            Add(nameof(ConversionModel), ConversionModel, Upstream.ConversionModel);
            Add(nameof(RefcountCheck), RefcountCheck, Upstream.RefcountCheck);
            Add(nameof(PendingPunch), PendingPunch, Upstream.PendingPunch);
            Add(nameof(PreserveContent), PreserveContent, Upstream.PreserveContent);
            Add(nameof(PrivateBacking), PrivateBacking, Upstream.PrivateBacking);
            Add(nameof(OwnerCheck), OwnerCheck, Upstream.OwnerCheck);
            Add(nameof(PopulationLock), PopulationLock, Upstream.PopulationLock);
            Add(nameof(MemfdRegistration), MemfdRegistration, Upstream.MemfdRegistration);
            Add(nameof(VfioRefPolicy), VfioRefPolicy, Upstream.VfioRefPolicy);
            Add(nameof(KvmVfioCleanup), KvmVfioCleanup, Upstream.KvmVfioCleanup);
            Add(nameof(DestroyTrigger), DestroyTrigger, Upstream.DestroyTrigger);
            Add(nameof(ModulePinning), ModulePinning, Upstream.ModulePinning);
            return list;
        }

        /// <summary>Why this combination means nothing, or null when it is coherent.</summary>
        public string? Conflict()
        {
            if (PinModel == PinModel.FilePinsVm && RebindPolicy != RebindPolicy.Expose)
                return $"RebindPolicy {RebindPolicy} applies only to PinModel SlotPinsFile: with FilePinsVm the owner is fixed at creation and a file is never rebound";
            if (PinModel == PinModel.SlotPinsFile && DuplicateBindingCheck == DuplicateBindingCheck.Off)
                return "DuplicateBindingCheck Off is modelled with FilePinsVm only: an aliasing slot would hold a file reference the bindings do not record";
            if (ConversionModel != ConversionModel.FolioCallback && (RefcountCheck != RefcountCheck.Plain || PendingPunch != PendingPunch.CallbackOnRemovedFolio))
                return "RefcountCheck and PendingPunch describe RFC v5's folio callback: they apply only to ConversionModel FolioCallback";
            if (ConversionModel != ConversionModel.GmemAttributes2 && PreserveContent != PreserveContent.Supported)
                return "PreserveContent applies only to ConversionModel GmemAttributes2 (KVM_SET_MEMORY_ATTRIBUTES2's content modes)";
            if (PrivateBacking != PrivateBacking.SealedMemfd
                && (OwnerCheck != OwnerCheck.None || PopulationLock != PopulationLock.PageLock || MemfdRegistration != MemfdRegistration.PerKvm))
                return "OwnerCheck, PopulationLock and MemfdRegistration describe the 2021 sealed memfd: they apply only to PrivateBacking SealedMemfd";
            return null;
        }

        /// <summary>Guest mappings can be left pointing at freed pages: a seed D index bug or a seed C population race.</summary>
        public bool CanLeaveStaleMappings => !InvalidatesLikeUpstream || (PrivateBacking == PrivateBacking.SealedMemfd && PopulationLock == PopulationLock.None);

        /// <summary>Invalidation finds its slots and gfns as upstream does (the §D axes are all upstream).</summary>
        public bool InvalidatesLikeUpstream =>
            OffsetIndex == OffsetIndex.PerFileBindings && GfnMath == GfnMath.Clamped && DuplicateBindingCheck == DuplicateBindingCheck.Enforced;

        /// <summary>"upstream 6.18" or the deviations, for messages and the VM's Design property.</summary>
        public override string ToString()
        {
            var d = Deviations();
            return d.Count == 0 ? "upstream 6.18" : string.Join(", ", d);
        }
    }
}
