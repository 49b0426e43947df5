using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Get-GmemPageState: who may map each page of a guest_memfd (Shared, Private, Pending) and the host's
    /// references and mappings on it, as runs (-Length defaults to the rest of the file). Upstream files are
    /// shared or private as a whole (INIT_SHARED).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GmemPageState")]
    [OutputType(typeof(LabPageState))]
    public sealed class GetGmemPageStateCommand : GmemFileRangeCommandBase
    {
        protected override void ProcessRecord() => WriteQuery((lab, file, offset, length) => lab.SelectPageStates(file, offset, length));
    }
}
