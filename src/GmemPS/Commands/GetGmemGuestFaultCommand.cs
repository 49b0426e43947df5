using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemGuestFault: the session's stepped guest faults (seed C), by id (wildcards allowed), of one VM, or all that are not completed.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemGuestFault", DefaultParameterSetName = "Id")]
    [OutputType(typeof(LabGuestFault))]
    public sealed class GetGmemGuestFaultCommand : GmemVmObjectQueryCommandBase<LabGuestFault>
    {
        [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = VmSet, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(GuestFaultIdCompleter))]
        public string[]? Id { get; set; }

        protected override object? QueryTarget => Id;

        protected override LabSelection<LabGuestFault> Select(GmemLab lab) => lab.SelectGuestFaults(Id, Vm);
    }
}
