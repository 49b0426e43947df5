using System.Management.Automation;
using GmemPS.Designs;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// New-GmemHostReference: the host takes a reference on guest_memfd pages besides its mappings (seed B): a pin
    /// (get_user_pages, vmsplice, an IOMMU mapping) or a speculative reference (compaction, a PFN scanner).
    /// -Length defaults to one page.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GmemHostReference", SupportsShouldProcess = true)]
    [OutputType(typeof(LabHostReference))]
    public sealed class NewGmemHostReferenceCommand : GmemFileRangeCommandBase
    {
        /// <summary>Pin (default) or Speculative.</summary>
        [Parameter]
        public HostReferenceKind Kind { get; set; } = HostReferenceKind.Pin;

        protected override void ProcessRecord()
        {
            var file = File;
            long offset = Offset, length = LengthOr(KvmLimits.PageSize);
            if (!ShouldProcess(Targets.FileRange(file, offset, length), $"Take a {Kind} host reference")) return;
            var reference = Produce(file, lab => lab.TakeHostReference(file, offset, length, Kind));
            if (reference != null) WriteObject(reference);
        }
    }
}
