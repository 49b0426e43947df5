using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Write-GmemMemfd: pwrite into a memfd (seed C): pages a seal then finds (EBUSY), or EPERM once sealed.</summary>
    [Cmdlet(VerbsCommunications.Write, "GmemMemfd", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemfd))]
    public sealed class WriteGmemMemfdCommand : GmemMemfdCommandBase
    {
        /// <summary>Byte offset.</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public ulong Offset { get; set; }

        /// <summary>The bytes to write.</summary>
        [Parameter(Mandatory = true)]
        public byte[] Value { get; set; } = Array.Empty<byte>();

        protected override string Action => $"Write {Value.Length} bytes at {Hex.Address(Offset)} (pwrite)";

        protected override bool WritesData => true;

        protected override void Apply(GmemLab lab, LabMemfd memfd) => lab.WriteMemfd(memfd, Offset, Value);
    }
}
