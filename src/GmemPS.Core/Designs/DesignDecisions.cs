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
    }
}
