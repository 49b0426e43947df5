using GmemPS.Designs;
using GmemPS.Simulator.Ranges;

namespace GmemPS.Simulator.Objects
{
    /// <summary>
    /// struct file of a guest_memfd (kvm_gmem in 6.18): one VM's view of an inode, and the bindings from file
    /// pages to memslots. Its references are the fd and every mapping (and, under seed A's alternative, every
    /// memslot bound to it); when the last goes, the file is released.
    /// </summary>
    internal sealed class SimGmemFile
    {
        public SimGmemFile(SimKvm? owner, SimGmemInode inode, DesignPolicies designs)
        {
            Owner = owner;
            Inode = inode;
            Designs = designs;
            PinsOwner = owner != null && designs.PinModel == PinModel.FilePinsVm;
            FirstOwner = LastOwner = owner;
            inode.Views.Add(this);
        }

        /// <summary>
        /// gmem->kvm. Upstream: the creating VM, fixed. Seed A's alternative: set at the first bind, cleared at
        /// the last unbind (null while unbound).
        /// </summary>
        public SimKvm? Owner { get; set; }
        /// <summary>Upstream: the file holds a reference on <see cref="Owner"/> from creation to release.</summary>
        public bool PinsOwner { get; }
        /// <summary>The first VM that owned the file (seed A option (a) forbids any other).</summary>
        public SimKvm? FirstOwner { get; set; }
        /// <summary>The VM whose data the file last held (to see a rebind to another VM).</summary>
        public SimKvm? LastOwner { get; set; }
        public SimGmemInode Inode { get; }
        public DesignPolicies Designs { get; }
        /// <summary>The bindings xarray: file page index → memslot.</summary>
        public IntervalMap<SimMemslot> Bindings { get; } = new IntervalMap<SimMemslot>(ReferenceEqualityComparer<SimMemslot>.Instance);
        /// <summary>f_count: the fd plus each mapping (plus each bound memslot under seed A's alternative).</summary>
        public int References { get; set; }
        public bool Released { get; set; }

        /// <summary>Memslots hold file references (seed A's alternative).</summary>
        public bool SlotsPinFile => Designs.PinModel == PinModel.SlotPinsFile;

        public int OwnerId => Owner?.Id ?? -1;
    }
}
