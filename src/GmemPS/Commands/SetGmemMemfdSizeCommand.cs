using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Set-GmemMemfdSize: ftruncate (seed C). Shrinking calls the guest owner's invalidate callback and frees the
    /// pages; a page KVM holds locked (Start-GmemGuestFault) makes the truncate wait for Complete-GmemGuestFault.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "GmemMemfdSize", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemfd))]
    public sealed class SetGmemMemfdSizeCommand : GmemMemfdCommandBase
    {
        /// <summary>The new size in bytes (page aligned once sealed).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        protected override string Action => $"Truncate it to {Hex.Size(Size)} (ftruncate)";

        protected override void Apply(GmemLab lab, LabMemfd memfd) => lab.TruncateMemfd(memfd, Size);
    }
}
