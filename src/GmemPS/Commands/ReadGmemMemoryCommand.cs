using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Read-GmemMemory: reads file bytes on the host through a lab-managed MAP_SHARED mapping of the file
    /// (needs GUEST_MEMFD_FLAG_MMAP; pages that are not shared read as EIO, where a direct access would SIGBUS).
    /// </summary>
    [Cmdlet(VerbsCommunications.Read, "GmemMemory")]
    [OutputType(typeof(byte[]))]
    public sealed class ReadGmemMemoryCommand : GmemCmdletBase
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
        [NumericLiteralTransformation]
        public int Count { get; set; }

        protected override void ProcessRecord()
        {
            var file = File;
            var bytes = Produce(file, lab => lab.HostRead(file, Offset, Count));
            // One byte[] object, not a stream of bytes: the caller indexes and compares it whole.
            if (bytes != null) WriteObject(bytes, false);
        }
    }
}
