using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemKvmVfioDevice: the session's kvm-vfio devices (seed E), by id (wildcards allowed), of one VM, or all open ones.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemKvmVfioDevice", DefaultParameterSetName = "Id")]
    [OutputType(typeof(LabKvmVfioDevice))]
    public sealed class GetGmemKvmVfioDeviceCommand : GmemVmObjectQueryCommandBase<LabKvmVfioDevice>
    {
        [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = VmSet, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(KvmVfioDeviceIdCompleter))]
        public string[]? Id { get; set; }

        protected override object? QueryTarget => Id;

        protected override LabSelection<LabKvmVfioDevice> Select(GmemLab lab) => lab.SelectKvmVfioDevices(Id, Vm);
    }
}
