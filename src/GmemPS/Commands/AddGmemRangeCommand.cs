using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Add-GmemRange: allocates file pages (fallocate KEEP_SIZE).</summary>
    [Cmdlet(VerbsCommon.Add, "GmemRange", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class AddGmemRangeCommand : GmemRangeCommandBase
    {
        protected override string Action => "Allocate (fallocate KEEP_SIZE)";

        protected override void Apply(GmemLab lab, LabFile file, long offset, long length) => lab.Allocate(file, offset, length);
    }
}
