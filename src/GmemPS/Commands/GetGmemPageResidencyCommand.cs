using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Get-GmemPageResidency: which pages of a guest_memfd the kernel holds, as runs (-Length defaults to the rest of
    /// the file): mincore(2) on a MAP_SHARED mapping of the range, on either backend. A page is resident once faulted
    /// in (host or guest access) and until punched; fallocate alone does not make it so. Upstream, unlike
    /// Get-GmemPageState (seed B's mappability, simulator only).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GmemPageResidency")]
    [OutputType(typeof(LabPageResidency))]
    public sealed class GetGmemPageResidencyCommand : GmemFileRangeCommandBase
    {
        protected override void ProcessRecord() => WriteQuery((lab, file, offset, length) => lab.SelectResidency(file, offset, length));
    }
}
