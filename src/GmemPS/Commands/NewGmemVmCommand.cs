using System.Management.Automation;
using GmemPS.Designs;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemVm: KVM_CREATE_VM on the simulator (default) or the real kernel, optionally running the designs argued on the lists.</summary>
    [Cmdlet(VerbsCommon.New, "GmemVm", SupportsShouldProcess = true)]
    [OutputType(typeof(LabVm))]
    public sealed class NewGmemVmCommand : GmemCmdletBase
    {
        /// <summary>Simulator (default) or Kvm. Binds by property name, so piping a VM makes another like it.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        /// <summary>The KVM_CREATE_VM type (x86: 0 default, 1 KVM_X86_SW_PROTECTED_VM).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [NumericLiteralTransformation]
        public ulong Type { get; set; }

        /// <summary>The simulator host profile: ThisHost (default) or SwProtected.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>All design policies at once (a VM's Designs, by property name); the single-axis parameters override it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DesignPolicies? Designs { get; set; }

        /// <summary>Seed A: FilePinsVm (upstream) or SlotPinsFile (Ackerley's alternative).</summary>
        [Parameter]
        public PinModel PinModel { get; set; }

        /// <summary>Seed A, under SlotPinsFile: what binding a file to another VM does (Sean's objection and options).</summary>
        [Parameter]
        public RebindPolicy RebindPolicy { get; set; }

        /// <summary>Refused (6.19 fix, upstream default) or AcceptedPreFix (6.18.0's dangling binding).</summary>
        [Parameter]
        public GmemFlagToggle GmemFlagToggle { get; set; }

        /// <summary>None (upstream) or LinkedViews (KVM_LINK_GUEST_MEMFD, the link RFC).</summary>
        [Parameter]
        public GmemLink GmemLink { get; set; }

        /// <summary>Seed D: PerFileBindings (upstream), PerVmOffsetTree (Chao's v3 ofs_tree) or PerSlotNotifier (Sean's fan-out).</summary>
        [Parameter]
        public OffsetIndex OffsetIndex { get; set; }

        /// <summary>Seed D: Clamped (upstream) or SketchWithoutBaseGfn (Sean's sketch).</summary>
        [Parameter]
        public GfnMath GfnMath { get; set; }

        /// <summary>Seed D: Enforced (upstream, 1:1 gfn ↔ file+offset) or Off.</summary>
        [Parameter]
        public DuplicateBindingCheck DuplicateBindingCheck { get; set; }

        /// <summary>Seed B: VmAttributes (upstream), FolioCallback (RFC v5) or GmemAttributes2 (2026).</summary>
        [Parameter]
        public ConversionModel ConversionModel { get; set; }

        /// <summary>Seed B, RFC v5: Plain (v5) or Frozen (v6) refcount check.</summary>
        [Parameter]
        public RefcountCheck RefcountCheck { get; set; }

        /// <summary>Seed B, RFC v5: CallbackOnRemovedFolio (v5's crash) or ResetOnRemoval (the fix).</summary>
        [Parameter]
        public PendingPunch PendingPunch { get; set; }

        /// <summary>Seed B, 2026: whether the arch supports the PRESERVE content mode.</summary>
        [Parameter]
        public PreserveContent PreserveContent { get; set; }

        /// <summary>Seed C: GuestMemfd (upstream) or SealedMemfd (the 2021 F_SEAL_GUEST memfd).</summary>
        [Parameter]
        public PrivateBacking PrivateBacking { get; set; }

        /// <summary>Seed C: None, VmList or KvmHoldsMemfdRef.</summary>
        [Parameter]
        public OwnerCheck OwnerCheck { get; set; }

        /// <summary>Seed C: PageLock (get_lock_pfn .. put_unlock_pfn) or None.</summary>
        [Parameter]
        public PopulationLock PopulationLock { get; set; }

        /// <summary>Seed C: PerKvm or PerMemslot.</summary>
        [Parameter]
        public MemfdRegistration MemfdRegistration { get; set; }

        /// <summary>Seed E: CoreSafeGet (upstream), DriverTakes (pre-fix), CoreGetThenDrop (2025), VmFileRef (2026) or KvmOpsGetPut (2023, dropped).</summary>
        [Parameter]
        public VfioRefPolicy VfioRefPolicy { get; set; }

        /// <summary>Seed E: Release (upstream) or Destroy (pre-fix) kvm-vfio cleanup.</summary>
        [Parameter]
        public KvmVfioCleanup KvmVfioCleanup { get; set; }

        /// <summary>Seed E: SyncPut (upstream) or AsyncPut (kvm_put_kvm_async).</summary>
        [Parameter]
        public DestroyTrigger DestroyTrigger { get; set; }

        /// <summary>Seed E: SymbolGet (upstream) or ModuleRef (2026).</summary>
        [Parameter]
        public ModulePinning ModulePinning { get; set; }

        protected override void ProcessRecord()
        {
            string? profile = CanonicalProfile(Backend, Profile);
            string host = BackendProfiles.Describe(Backend, profile);
            var designs = ChosenDesigns();
            string design = designs.IsUpstream ? string.Empty : $" running {designs}";
            if (!ShouldProcess(host, $"Create a VM of type {Type}{design} (KVM_CREATE_VM)")) return;
            var vm = Produce(host, lab => lab.CreateVm(Backend, Type, profile, designs));
            if (vm != null) WriteObject(vm);
        }

        private DesignPolicies ChosenDesigns()
        {
            var d = Designs ?? DesignPolicies.Upstream;
            if (IsGiven(nameof(PinModel))) d = d with { PinModel = PinModel };
            if (IsGiven(nameof(RebindPolicy))) d = d with { RebindPolicy = RebindPolicy };
            if (IsGiven(nameof(GmemFlagToggle))) d = d with { GmemFlagToggle = GmemFlagToggle };
            if (IsGiven(nameof(GmemLink))) d = d with { GmemLink = GmemLink };
            if (IsGiven(nameof(OffsetIndex))) d = d with { OffsetIndex = OffsetIndex };
            if (IsGiven(nameof(GfnMath))) d = d with { GfnMath = GfnMath };
            if (IsGiven(nameof(DuplicateBindingCheck))) d = d with { DuplicateBindingCheck = DuplicateBindingCheck };
            if (IsGiven(nameof(ConversionModel))) d = d with { ConversionModel = ConversionModel };
            if (IsGiven(nameof(RefcountCheck))) d = d with { RefcountCheck = RefcountCheck };
            if (IsGiven(nameof(PendingPunch))) d = d with { PendingPunch = PendingPunch };
            if (IsGiven(nameof(PreserveContent))) d = d with { PreserveContent = PreserveContent };
            if (IsGiven(nameof(PrivateBacking))) d = d with { PrivateBacking = PrivateBacking };
            if (IsGiven(nameof(OwnerCheck))) d = d with { OwnerCheck = OwnerCheck };
            if (IsGiven(nameof(PopulationLock))) d = d with { PopulationLock = PopulationLock };
            if (IsGiven(nameof(MemfdRegistration))) d = d with { MemfdRegistration = MemfdRegistration };
            if (IsGiven(nameof(VfioRefPolicy))) d = d with { VfioRefPolicy = VfioRefPolicy };
            if (IsGiven(nameof(KvmVfioCleanup))) d = d with { KvmVfioCleanup = KvmVfioCleanup };
            if (IsGiven(nameof(DestroyTrigger))) d = d with { DestroyTrigger = DestroyTrigger };
            if (IsGiven(nameof(ModulePinning))) d = d with { ModulePinning = ModulePinning };
            return d;
        }
    }
}
