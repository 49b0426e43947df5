using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemFile: the session's guest_memfd files, by id (wildcards allowed), of one VM, or all open ones.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemFile", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(LabFile))]
    public sealed class GetGmemFileCommand : GmemCmdletBase
    {
        private const string IdSet = "Id";
        private const string VmSet = "Vm";

        [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = VmSet, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public string[]? Id { get; set; }

        [Parameter(ParameterSetName = VmSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        protected override void ProcessRecord()
        {
            var vm = Vm;
            foreach (var file in Unpack(Produce(Id, lab => lab.SelectFiles(Id, vm)))) WriteObject(file);
        }
    }
}
