using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// struct file of a guest_memfd (kvm_gmem in 6.18): the VM it pins, and the bindings from file pages to
    /// memslots. Its references are the fd and every mapping; when the last goes, the file is released.
    /// </summary>
    internal sealed class SimGmemFile
    {
        public SimGmemFile(SimKvm kvm, SimGmemInode inode)
        {
            Kvm = kvm;
            Inode = inode;
        }

        public SimKvm Kvm { get; }
        public SimGmemInode Inode { get; }
        /// <summary>The bindings xarray: file page index → memslot.</summary>
        public IntervalMap<SimMemslot> Bindings { get; } = new IntervalMap<SimMemslot>(ReferenceEqualityComparer<SimMemslot>.Instance);
        /// <summary>f_count: the fd plus each mapping.</summary>
        public int References { get; set; }
        public bool Released { get; set; }
    }
}
