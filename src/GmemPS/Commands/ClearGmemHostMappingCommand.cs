using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Clear-GmemHostMapping: madvise(MADV_DONTNEED) of file pages in every host mapping of the file: their page-table
    /// entries go (the mapcount RFC v5's unshare checks), the mappings stay and fault again on the next access.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "GmemHostMapping", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class ClearGmemHostMappingCommand : GmemRangeCommandBase
    {
        protected override string Action => "Drop the host's page-table entries (madvise MADV_DONTNEED)";

        protected override void Apply(GmemLab lab, LabFile file, long offset, long length) => lab.DropHostMappings(file, offset, length);
    }
}
