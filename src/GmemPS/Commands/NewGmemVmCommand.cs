using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemVm: KVM_CREATE_VM on the simulator (default) or the real kernel.</summary>
    [Cmdlet(VerbsCommon.New, "GmemVm", SupportsShouldProcess = true)]
    [OutputType(typeof(LabVm))]
    public sealed class NewGmemVmCommand : GmemCmdletBase
    {
        /// <summary>Simulator (default) or Kvm. Binds by property name, so piping a VM makes another like it.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        /// <summary>The KVM_CREATE_VM type (x86: 0 default, 1 KVM_X86_SW_PROTECTED_VM).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ulong Type { get; set; }

        /// <summary>The simulator host profile: ThisHost (default) or SwProtected.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        protected override void ProcessRecord()
        {
            string? profile = CanonicalProfile(Backend, Profile);
            string host = BackendProfiles.Describe(Backend, profile);
            if (!ShouldProcess(host, $"Create a VM of type {Type} (KVM_CREATE_VM)")) return;
            var vm = Produce(host, lab => lab.CreateVm(Backend, Type, profile));
            if (vm != null) WriteObject(vm);
        }
    }
}
