using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Remove-GmemRange: frees file pages (fallocate KEEP_SIZE|PUNCH_HOLE); guest mappings of them are zapped.</summary>
    [Cmdlet(VerbsCommon.Remove, "GmemRange", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class RemoveGmemRangeCommand : GmemRangeCommandBase
    {
        protected override string Action => "Punch a hole (fallocate KEEP_SIZE|PUNCH_HOLE)";

        protected override void Apply(GmemLab lab, LabFile file, long offset, long length) => lab.PunchHole(file, offset, length);
    }
}
