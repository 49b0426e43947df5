using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemVm: the session's VMs, by id (wildcards allowed) or all the kernel still has (open, or
    /// kept alive by their files), optionally of one backend.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemVm")]
    [OutputType(typeof(LabVm))]
    public sealed class GetGmemVmCommand : GmemCmdletBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public string[]? Id { get; set; }

        [Parameter]
        public BackendKind Backend { get; set; }

        protected override void ProcessRecord()
        {
            BackendKind? backend = IsGiven(nameof(Backend)) ? Backend : null;
            foreach (var vm in Unpack(Produce(Id, lab => lab.SelectVms(Id, backend)))) WriteObject(vm);
        }
    }
}
