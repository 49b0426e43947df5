using System.Management.Automation;
using GmemPS.Designs;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// New-GmemFile: KVM_CREATE_GUEST_MEMFD on a VM; or, for the designs of seed A, on /dev/kvm (-SystemIoctl)
    /// or as another VM's view of an existing file (-LinkFrom, KVM_LINK_GUEST_MEMFD).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GmemFile", SupportsShouldProcess = true, DefaultParameterSetName = VmSet)]
    [OutputType(typeof(LabFile))]
    public sealed class NewGmemFileCommand : GmemCmdletBase
    {
        private const string VmSet = "Vm";
        private const string SystemSet = "System";
        private const string LinkSet = "Link";

        [Parameter(ParameterSetName = VmSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LinkSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        /// <summary>Bytes; the kernel wants a non-zero multiple of 4 KiB.</summary>
        [Parameter(ParameterSetName = VmSet, Mandatory = true, Position = 1)]
        [Parameter(ParameterSetName = SystemSet, Mandatory = true, Position = 1)]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        /// <summary>GUEST_MEMFD_FLAG_MMAP.</summary>
        [Parameter(ParameterSetName = VmSet)]
        [Parameter(ParameterSetName = SystemSet)]
        public SwitchParameter Mmap { get; set; }

        /// <summary>GUEST_MEMFD_FLAG_INIT_SHARED.</summary>
        [Parameter(ParameterSetName = VmSet)]
        [Parameter(ParameterSetName = SystemSet)]
        public SwitchParameter InitShared { get; set; }

        /// <summary>Raw flags, OR-ed with the switches (lets a test pass unknown bits).</summary>
        [Parameter(ParameterSetName = VmSet)]
        [Parameter(ParameterSetName = SystemSet)]
        [NumericLiteralTransformation(RawBits = true)]
        public GuestMemfdFlags Flags { get; set; }

        /// <summary>Issue KVM_CREATE_GUEST_MEMFD on /dev/kvm instead of a VM (seed A's system ioctl).</summary>
        [Parameter(ParameterSetName = SystemSet, Mandatory = true)]
        public SwitchParameter SystemIoctl { get; set; }

        /// <summary>The host whose /dev/kvm creates the file (System set).</summary>
        [Parameter(ParameterSetName = SystemSet, Position = 0, ValueFromPipeline = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        /// <summary>The simulator host profile (System set).</summary>
        [Parameter(ParameterSetName = SystemSet)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>The pin model of a file created on /dev/kvm: only SlotPinsFile creates one.</summary>
        [Parameter(ParameterSetName = SystemSet)]
        public PinModel PinModel { get; set; }

        /// <summary>What binding the file to another VM does (System set, SlotPinsFile).</summary>
        [Parameter(ParameterSetName = SystemSet)]
        public RebindPolicy RebindPolicy { get; set; }

        /// <summary>An existing file whose inode -Vm gets its own view of (KVM_LINK_GUEST_MEMFD).</summary>
        [Parameter(ParameterSetName = LinkSet, Mandatory = true)]
        [AllowNull]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile LinkFrom { get; set; } = null!;

        protected override void ProcessRecord()
        {
            LabFile? file;
            var flags = Flags
                | (Mmap ? GuestMemfdFlags.Mmap : GuestMemfdFlags.None)
                | (InitShared ? GuestMemfdFlags.InitShared : GuestMemfdFlags.None);
            string creating = $"Create a guest_memfd of {Hex.Size(Size)} with flags 0x{(ulong)flags:x} ({flags})";
            switch (ParameterSetName)
            {
                case SystemSet:
                {
                    string? profile = CanonicalProfile(Backend, Profile);
                    var designs = DesignPolicies.Upstream with { PinModel = PinModel, RebindPolicy = RebindPolicy };
                    string host = BackendProfiles.Describe(Backend, profile);
                    if (!ShouldProcess(host, $"{creating} on /dev/kvm, running {designs} (KVM_CREATE_GUEST_MEMFD)")) return;
                    file = Produce(host, lab => lab.CreateSystemFile(Backend, profile, Size, flags, designs));
                    break;
                }
                case LinkSet:
                {
                    var vm = Vm;
                    var source = LinkFrom;
                    if (!ShouldProcess(Targets.Of(vm), $"Give it a view of {source.Id}'s inode (KVM_LINK_GUEST_MEMFD)")) return;
                    file = Produce(vm, lab => lab.LinkFile(vm, source));
                    break;
                }
                default:
                {
                    var vm = Vm;
                    if (!ShouldProcess(Targets.Of(vm), $"{creating} (KVM_CREATE_GUEST_MEMFD)")) return;
                    file = Produce(vm, lab => lab.CreateFile(vm, Size, flags));
                    break;
                }
            }
            if (file != null) WriteObject(file);
        }
    }
}
