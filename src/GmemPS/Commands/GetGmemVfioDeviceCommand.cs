using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemVfioDevice: the session's VFIO devices (seed E), by id (wildcards allowed), of one VM's kvm-vfio device, or all open ones.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemVfioDevice", DefaultParameterSetName = "Id")]
    [OutputType(typeof(LabVfioDevice))]
    public sealed class GetGmemVfioDeviceCommand : GmemVmObjectQueryCommandBase<LabVfioDevice>
    {
        [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = VmSet, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(VfioDeviceIdCompleter))]
        public string[]? Id { get; set; }

        protected override object? QueryTarget => Id;

        protected override LabSelection<LabVfioDevice> Select(GmemLab lab) => lab.SelectVfioDevices(Id, Vm);
    }
}
