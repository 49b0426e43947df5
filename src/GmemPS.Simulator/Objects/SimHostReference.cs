using GmemPS.Designs;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// A reference the host holds on guest_memfd pages besides its mappings (seed B): a GUP or IOMMU pin, or a
    /// speculative one a PFN scanner takes for a moment. It holds the folios, not the file: a punch can take the
    /// pages out of the filemap while the reference still holds them.
    /// </summary>
    internal sealed class SimHostReference
    {
        public SimHostReference(int id, SimGmemInode inode, ulong firstPage, ulong endPage, HostReferenceKind kind)
        {
            Id = id;
            Inode = inode;
            FirstPage = firstPage;
            EndPage = endPage;
            Kind = kind;
        }

        public int Id { get; }
        public SimGmemInode Inode { get; }
        public ulong FirstPage { get; }
        public ulong EndPage { get; }
        public HostReferenceKind Kind { get; }
        public bool Released { get; set; }
        /// <summary>Pages punched out of the filemap while this reference held them (their folios live on in it).</summary>
        public IntervalMap<bool> Orphaned { get; } = new IntervalMap<bool>();

        public bool Covers(ulong page) => !Released && page >= FirstPage && page < EndPage;
    }
}
