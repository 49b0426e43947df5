using GmemPS.Contract;
using GmemPS.Designs;

namespace GmemPS.Lab
{
    /// <summary>Which state a conversion goes to (Convert-GmemFileRange -To).</summary>
    public enum ConversionTarget
    {
        Shared,
        Private,
    }

    /// <summary>A host reference on guest_memfd pages (seed B): a pin, or a speculative reference.</summary>
    public sealed class LabHostReference : LabObject
    {
        internal LabHostReference(GmemLab lab, string id, LabFile file, long offset, long length, HostReferenceKind kind, IHostReference handle)
            : base(lab, id)
        {
            FileObject = file;
            Offset = offset;
            Length = length;
            Kind = kind;
            Handle = handle;
        }

        internal LabFile FileObject { get; }
        internal IHostReference Handle { get; }
        public LabFile File => FileObject;
        public long Offset { get; }
        public long Length { get; }
        public HostReferenceKind Kind { get; }
        /// <summary>A speculative reference drops by itself after the check it disturbed.</summary>
        public bool IsReleased => Handle.IsReleased;
    }

    /// <summary>A run of pages of a guest_memfd in one state, with the host's references on them (Get-GmemPageState).</summary>
    public sealed class LabPageState
    {
        internal LabPageState(LabFile file, PageStateRange range)
        {
            File = file;
            Offset = (long)range.Offset;
            Length = (long)range.Length;
            State = range.State;
            HostReferences = range.HostReferences;
            HostMappings = range.HostMappings;
        }

        public LabFile File { get; }
        public long Offset { get; }
        public long Length { get; }
        public GmemPageState State { get; }
        public int HostReferences { get; }
        public int HostMappings { get; }

        public override string ToString() => $"{File.Id} [{GmemPS.Kernel.Hex.Address((ulong)Offset)}, +{GmemPS.Kernel.Hex.Size((ulong)Length)}) {State}";
    }
}
