using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// A file range as a cmdlet takes it: by value or by property name, so a LabMemslot (File, Offset, and Length, the
    /// types.ps1xml alias of its Size), a LabMapping, a LabPageState or a LabHostReference (File, Offset, Length) names
    /// one. A LabFile piped in is only the file: it has no Offset or Length, and -Length has no alias Size, so a file's
    /// size never becomes the length of the range.
    /// </summary>
    public abstract class GmemFileRangeCommandBase : GmemCmdletBase
    {
        // -Length has a default that depends on the file. Pipeline binding restores a parameter's default through
        // its setter before each input, so "not given" is a value of the property, not a flag.
        private const long NotGiven = long.MinValue;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile File { get; set; } = null!;

        /// <summary>Byte offset into the file (loff_t).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [NumericLiteralTransformation]
        public long Offset { get; set; }

        /// <summary>Bytes (the default is the cmdlet's: usually to the end of the file).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [NumericLiteralTransformation]
        public long Length { get; set; } = NotGiven;

        /// <summary>
        /// -Length, or <paramref name="fallback"/> when it was not given. A Length the input lent without an Offset is not
        /// a range's: objects that name a range lend both, while a piped id string ('gmem0') lends only its own
        /// String.Length.
        /// </summary>
        protected long LengthOr(long fallback) =>
            Length == NotGiven || (IsPiped(nameof(Length)) && !IsPiped(nameof(Offset))) ? fallback : Length;

        /// <summary>-Length, or the rest of the file from -Offset.</summary>
        protected long LengthOrRest(LabFile file) => LengthOr(Lab.RemainingLength(file, Offset));

        /// <summary>A query over the range (-Length defaulting to the rest of the file): writes what it finds, one object each.</summary>
        protected void WriteQuery<T>(System.Func<GmemLab, LabFile, long, long, System.Collections.Generic.IReadOnlyList<T>> query) where T : class
        {
            var file = File;
            long length = LengthOrRest(file);
            var found = Produce(file, lab => query(lab, file, Offset, length));
            if (found != null) WriteObject(found, true);
        }
    }
}
