using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemCapability: KVM_CHECK_EXTENSION on a host's /dev/kvm or on a VM fd.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemCapability", DefaultParameterSetName = HostSet)]
    [OutputType(typeof(GmemCapabilityInfo))]
    public sealed class GetGmemCapabilityCommand : GmemCmdletBase
    {
        private const string HostSet = "Host";
        private const string VmSet = "Vm";

        /// <summary>The capabilities to ask about (default: every one GmemPS knows).</summary>
        [Parameter(Position = 0)]
        public Capability[]? Name { get; set; }

        [Parameter(ParameterSetName = VmSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        [Parameter(ParameterSetName = HostSet, ValueFromPipeline = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        [Parameter(ParameterSetName = HostSet)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        protected override void ProcessRecord()
        {
            var vm = Vm;
            string? profile = vm == null ? CanonicalProfile(Backend, Profile) : null;
            foreach (var capability in Name ?? CapabilityList.All)
            {
                var info = vm != null
                    ? Produce(vm, lab => lab.CheckCapability(vm, capability))
                    : Produce(capability, lab => lab.CheckCapability(Backend, profile, capability));
                if (info != null) WriteObject(info);
            }
        }
    }
}
