using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemHostReference: the session's host references (seed B), by id (wildcards allowed), on one file, or all open ones.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemHostReference", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(LabHostReference))]
    public sealed class GetGmemHostReferenceCommand : GmemQueryCommandBase<LabHostReference>
    {
        private const string IdSet = "Id";
        private const string FileSet = "File";

        [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = FileSet, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostReferenceIdCompleter))]
        public string[]? Id { get; set; }

        [Parameter(ParameterSetName = FileSet, Mandatory = true, ValueFromPipeline = true)]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile? File { get; set; }

        protected override object? QueryTarget => Id;

        protected override LabSelection<LabHostReference> Select(GmemLab lab) => lab.SelectHostReferences(Id, File);
    }
}
