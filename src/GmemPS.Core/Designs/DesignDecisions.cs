namespace GmemPS.Designs
{
    /// <summary>
    /// The design decisions the simulator's design events illustrate, one sentence each, naming the seed thread
    /// and who argued it (shared/reference/seeds-and-peers.md), so Get-GmemEvent tells a user why.
    /// </summary>
    public static class DesignDecisions
    {
        // Seed A: who pins whom (2023).
        public const string FilePinsVm =
            "Seed A, upstream (Sean, merged v6.8): the guest_memfd file pins the VM, memslots only point at the file";
        public const string SlotPinsFile =
            "Seed A, alternative (Ackerley, 2023-08-07): memslots pin the guest_memfd file, the owner is set at the first bind";
        public const string RebindExposes =
            "Seed A, Sean's objection (2023-08-08): clearing the owner at the last unbind lets another VM bind the file and read its data";
        public const string RebindForbidden =
            "Seed A, Sean's option (a): never bind a VM other than the first owner (which defeats decoupling)";
        public const string ZeroOnUnbind =
            "Seed A, Sean's option (b): free or zero the memory when the last binding goes (changes memslot semantics)";
        public const string ZeroOnRebind =
            "Seed A, Sean's option (c): free or zero the memory when another VM binds it (reclaim needs the old VM on TDX/SNP)";
        public const string SystemIoctlCreate =
            "Seed A, alternative: KVM_CREATE_GUEST_MEMFD as a system ioctl on /dev/kvm, with no owner until the first bind";
        public const string GmemToggleFix =
            "6.18.0 bug fixed in 6.19-rc1 (9935df5333aa): a FLAGS_ONLY update that drops GUEST_MEMFD leaves the binding on the freed memslot";
        public const string LinkedViews =
            "Seed A, link RFC (Ackerley 2023, Afranji 2025): KVM_LINK_GUEST_MEMFD gives another VM its own view of the inode";

        // Seed D: per-slot invalidation (Dec 2021 - Jan 2022).
        public const string PerFileBindings =
            "Seed D, merged: guest_memfd's per-file bindings xarray finds exactly the slots of the punched file, each gfn range clamped to its slot";
        public const string OffsetTree =
            "Seed D, Chao's v3 ofs_tree (2021-12-23): one per-VM tree keyed by file offset alone; Sean: 'this won't work' once two files share offsets";
        public const string SlotNotifier =
            "Seed D, Sean (2022-01-04): one notifier per memslot; the store calls every registered slot and each filters, one callback per slot";
        public const string SketchMath =
            "Seed D, Sean's sketch (2021-12-28), 'likely with bad math': the gfn range leaves out base_gfn and never clamps its start";
        public const string OneToOne =
            "Seed D, Sean (2021-12-23): gfn <-> file+offset must be 1:1, or an invalidation cannot find every mapping of a page";

        // Seed B: in-place conversion with host references (2025-2026).
        public const string VmAttributes =
            "Seed B, upstream 6.18: shared or private is a whole-file property (INIT_SHARED); conversion is KVM_SET_MEMORY_ATTRIBUTES on the VM plus a punch";
        public const string FolioMappability =
            "Seed B, Fuad's RFC v5 (2025-01-17): per-page mappability ALL / GUEST / NONE in the inode's mappable_offsets";
        public const string MappedEagain =
            "Seed B, RFC v5: unshare of a page still mapped in the host returns -EAGAIN without arming anything; the VMM must munmap and retry";
        public const string FinalPutCallback =
            "Seed B, RFC v5 patch 06: extra host references park the page in NONE and arm a callback that the final folio_put runs";
        public const string SpeculativeReference =
            "Seed B, Vlastimil (2025-01-20): a speculative reference (compaction, PFN scanners) defeats a plain refcount check; freeze it instead";
        public const string FrozenCheck =
            "Seed B, RFC v6: folio_ref_freeze makes the check fail or succeed atomically";
        public const string CallbackAfterRemoval =
            "Seed B, Ackerley (2025-01-22): after a punch or close the callback sees folio->mapping == NULL; the state must reset when the folio leaves the filemap";
        public const string Attributes2 =
            "Seed B, 2026 in-place conversion (Ackerley, Sean): KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd unmaps the host, then fails with -EAGAIN and error_offset on any unexpected reference";
        public const string PerOffsetState =
            "Seed B, 2026: the shared/private state belongs to the file offset, not the folio: it is recorded before allocation and survives a punch";

        // Seed C: the 2021 fd-based proposal (F_SEAL_GUEST memfd).
        public const string SealGuest =
            "Seed C, Kirill (2021-09-02) and Chao (2021-11-19): a shmem memfd sealed with F_SEAL_GUEST; only an empty, unmapped memfd can be sealed";
        public const string GuestOwner =
            "Seed C, Kirill (2021-09-10): memfd_register_guest records one owner; guest_ops.invalidate_page_range calls it on punch and truncate";
        public const string DanglingOwner =
            "Seed C, Kirill's caveat (2021-09-10): the memfd can outlive KVM, so the callback can run with a freed owner";
        public const string VmListCheck =
            "Seed C, Kirill: validate the owner against vm_list before calling it (a reused address would still pass)";
        public const string KvmHoldsMemfd =
            "Seed C, Sean (2021-09-02): KVM holds a memfd reference and unregisters before dropping it, so the owner never dangles";
        public const string PerKvmRegistration =
            "Seed C, Sean (2021-09-02): callbacks are 1:1 memfd:KVM instance, so one memfd can back several memslots (below and above 4G)";
        public const string PerMemslotRegistration =
            "Seed C, Kirill's first sketch: 1:1 memfd:memslot, which breaks splitting one memfd across memslots";
        public const string PageLockPopulation =
            "Seed C: get_lock_pfn returns the page locked and put_unlock_pfn unlocks it after the SEPT entry is installed, so truncate waits";
        public const string UnlockedPopulation =
            "Seed C, the race the page lock closes: without it a truncate frees the page between get_pfn and the SEPT install";

        // Seed E: VFIO holding the VM (2023-2026).
        public const string CoreSafeGet =
            "Seed E, upstream 2b48f52f2bff (Rosato, 2023): the VFIO core takes kvm_get_kvm_safe at open and puts it at close outside group_lock";
        public const string DriverTakes =
            "Seed E, before the fix: a driver's open_device takes kvm_get_kvm, and its close can drop the last reference under group_lock";
        public const string GetThenDrop =
            "Seed E, Ryabinin (2025): drop the VM reference right after the first open, so a migrated-away VM is not kept alive";
        public const string VmFileRef =
            "Seed E, Aneesh (2026): VFIO holds the VM's struct file rather than struct kvm, so ordinary file lifetime rules apply";
        public const string ReleaseCleanup =
            "Seed E, upstream 51cdc8bc120e (Yi Liu, 2023): the kvm-vfio device clears group->kvm at .release, outside kvm_destroy_vm";
        public const string DestroyCleanup =
            "Seed E, before the fix: kvm_vfio_destroy clears group->kvm from inside kvm_destroy_vm and takes group_lock there";
        public const string AsyncPut =
            "Seed E, Rosato's kvm_put_kvm_async (2023-01-09, dropped): the last put queues kvm_destroy_vm on a workqueue";
        public const string LockOrder =
            "Seed E, Alex Williamson's report (2023-01-05): VFIO device close holds group_lock when the last kvm_put_kvm destroys the VM, whose kvm-vfio cleanup takes group_lock again";
        public const string GetSafe =
            "Seed E, Sean (2023-01-11): a plain kvm_get_kvm at open can resurrect a VM whose users_count already hit 0; kvm_get_kvm_safe refuses it";
        public const string KvmOps =
            "Seed E, Sean (2023-01-11, dropped): optional vfio_device_kvm_ops {get_kvm, put_kvm} from KVM; Jason: no module dependency then, prefer symbol_get";
        public const string SymbolGet =
            "Seed E, upstream: symbol_get(kvm_put_kvm) pins kvm.ko while VFIO holds a VM";
        public const string ModuleRef =
            "Seed E, 2026 (Paolo, Eiden): VFIO takes a module reference on kvm.ko and calls an inline kvm_refcount put";
    }
}
