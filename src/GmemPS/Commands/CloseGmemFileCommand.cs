using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Close-GmemFile: close() a guest_memfd. Its memslots stay until deleted; a mapping keeps the file alive.</summary>
    [Cmdlet(VerbsCommon.Close, "GmemFile", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class CloseGmemFileCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile[] File { get; set; } = Array.Empty<LabFile>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var file in File)
            {
                if (!ShouldProcess(Targets.Of(file), "Close the guest_memfd file descriptor")) continue;
                if (Perform(file, lab => lab.CloseFile(file)) && PassThru) WriteObject(file);
            }
        }
    }
}
