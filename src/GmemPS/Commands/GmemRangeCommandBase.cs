using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// The parameters Add-GmemRange and Remove-GmemRange share: a file range by value or by property name,
    /// so a LabFile (Size), a LabMemslot (File, Offset, Size) or a LabMapping (File, Offset, Length) names one.
    /// </summary>
    public abstract class GmemRangeCommandBase : GmemCmdletBase
    {
        // -Length defaults to "the rest of the file". Pipeline binding restores a parameter's default through
        // its setter before each input, so "not given" is a value of the property, not a flag.
        private const long ToEndOfFile = long.MinValue;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile File { get; set; } = null!;

        /// <summary>Byte offset into the file (loff_t).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long Offset { get; set; }

        /// <summary>Bytes (default: to the end of the file).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Size")]
        public long Length { get; set; } = ToEndOfFile;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract string Action { get; }

        protected abstract void Apply(GmemLab lab, LabFile file, long offset, long length);

        protected override void ProcessRecord()
        {
            var file = File;
            long offset = Offset;
            long count = Length == ToEndOfFile ? Lab.RemainingLength(file, offset) : Length;
            if (!ShouldProcess(Targets.FileRange(file, offset, count), Action)) return;
            if (Perform(file, lab => Apply(lab, file, offset, count)) && PassThru) WriteObject(file);
        }
    }
}
