using System.Management.Automation;
using GmemPS.Designs;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Convert-GmemFileRange: converts guest_memfd pages between shared and private in place (seed B):
    /// KVM_SET_MEMORY_ATTRIBUTES2 on the file under the 2026 design, the guest's share/unshare under RFC v5.
    /// Upstream 6.18 has no such ioctl (ENOTTY).
    /// </summary>
    [Cmdlet(VerbsData.Convert, "GmemFileRange", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class ConvertGmemFileRangeCommand : GmemRangeCommandBase
    {
        /// <summary>Shared or Private.</summary>
        [Parameter(Mandatory = true)]
        public ConversionTarget To { get; set; }

        /// <summary>The 2026 content mode: Unspecified, Zero (to shared only) or Preserve.</summary>
        [Parameter]
        public ConversionContent Content { get; set; }

        protected override string Action => $"Convert to {To}{(Content == ConversionContent.Unspecified ? string.Empty : $" with {Content}")}";

        protected override void Apply(GmemLab lab, LabFile file, long offset, long length) =>
            lab.ConvertFileRange(file, (ulong)offset, (ulong)length, To, Content);
    }
}
