using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Write-GmemMemory: writes file bytes on the host through a lab-managed MAP_SHARED mapping of the file.</summary>
    [Cmdlet(VerbsCommunications.Write, "GmemMemory", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class WriteGmemMemoryCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile File { get; set; } = null!;

        [Parameter]
        [NumericLiteralTransformation]
        public long Offset { get; set; }

        [Parameter(Mandatory = true)]
        public byte[] Value { get; set; } = Array.Empty<byte>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override bool WritesData => true;

        protected override void ProcessRecord()
        {
            var file = File;
            byte[] data = Value;
            if (!ShouldProcess(Targets.Of(file), $"Write {data.Length} bytes at offset {Hex.Signed(Offset)} through a host mapping")) return;
            if (Perform(file, lab => lab.HostWrite(file, Offset, data)) && PassThru) WriteObject(file);
        }
    }
}
