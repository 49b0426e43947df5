using System;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    public enum LabObjectState
    {
        Open,
        /// <summary>The handle of a file or mapping was closed.</summary>
        Closed,
        /// <summary>A memslot that was deleted.</summary>
        Deleted,
        /// <summary>A VM whose fd is closed while a guest_memfd of it (its fd or a mapping) keeps the kernel VM alive.</summary>
        KeptAlive,
        /// <summary>A VM the kernel destroyed (its fd and every guest_memfd of it closed), and the memslots it freed.</summary>
        Destroyed,
    }

    /// <summary>
    /// Base of the objects a lab hands out. Properties are named like the parameters of the cmdlets that
    /// consume them (Vm, File, Slot, Gpa, Size, Offset) so pipelines bind by property name.
    /// </summary>
    public abstract class LabObject
    {
        protected LabObject(GmemLab lab, string id)
        {
            Lab = lab;
            Id = id;
        }

        internal GmemLab Lab { get; }
        /// <summary>The lab-wide name: vm0, gmem0, vm0/slot3.</summary>
        public string Id { get; }
        /// <summary>The session that made the object: an id means an object only there (a job or another
        /// runspace has its own vm0), so a cmdlet refuses an object, live or deserialized, of another session.</summary>
        public Guid SessionId => Lab.SessionId;
        public LabObjectState State { get; internal set; } = LabObjectState.Open;
        /// <summary>Listed by a Get- cmdlet without ids: the object still exists in the kernel.</summary>
        internal virtual bool Listed => State == LabObjectState.Open;
        public override string ToString() => Id;
    }

    public sealed class LabVm : LabObject
    {
        internal LabVm(GmemLab lab, string id, BackendKind backend, string? profile, IGmemVm handle, DesignPolicies designs)
            : base(lab, id)
        {
            Backend = backend;
            Profile = profile;
            Handle = handle;
            Designs = designs;
        }

        public BackendKind Backend { get; }
        public string? Profile { get; }
        /// <summary>The designs the VM runs (upstream 6.18 unless created otherwise); piping a VM into New-GmemVm copies them.</summary>
        public DesignPolicies Designs { get; }
        public ulong Type => Handle.Type;
        public int Fd => Handle.Fd;
        internal IGmemVm Handle { get; }
        /// <summary>Itself, so a VM binds to -Vm by property name like files and slots do.</summary>
        public LabVm Vm => this;
        internal override bool Listed => State == LabObjectState.Open || State == LabObjectState.KeptAlive;
    }

    public sealed class LabFile : LabObject
    {
        internal LabFile(GmemLab lab, string id, LabVm vm, IGuestMemfd handle) : this(lab, id, vm, vm.Backend, vm.Profile, handle)
        {
        }

        /// <summary>A file created without a VM (seed A's system ioctl): <paramref name="vm"/> is null.</summary>
        internal LabFile(GmemLab lab, string id, LabVm? vm, BackendKind backend, string? profile, IGuestMemfd handle) : base(lab, id)
        {
            VmObject = vm;
            Backend = backend;
            Profile = profile;
            Handle = handle;
        }

        /// <summary>The VM whose fd created the file; null for a file created on /dev/kvm.</summary>
        internal LabVm? VmObject { get; }
        internal IGuestMemfd Handle { get; }
        /// <summary>The lab-managed mapping host reads and writes go through (created on first use).</summary>
        internal LabMapping? HostView { get; set; }
        public LabVm? Vm => VmObject;
        public LabFile File => this;
        public long Size => Handle.Size;
        public GuestMemfdFlags Flags => Handle.Flags;
        public int Fd => Handle.Fd;
        public BackendKind Backend { get; }
        public string? Profile { get; }
    }

    public sealed class LabMemslot : LabObject
    {
        internal LabMemslot(GmemLab lab, LabVm vm, UserMemoryRegion2 region, LabFile? file, LabMemfd? memfd = null)
            : base(lab, $"{vm.Id}/slot{region.Slot}")
        {
            VmObject = vm;
            Region = region;
            FileObject = file;
            Memfd = memfd;
        }

        /// <summary>Seed C: the sealed memfd behind a private slot of the 2021 proposal (null otherwise).</summary>
        public LabMemfd? Memfd { get; }

        internal LabVm VmObject { get; }
        internal LabFile? FileObject { get; }
        internal UserMemoryRegion2 Region { get; }
        public LabVm Vm => VmObject;
        public uint Slot => Region.Slot;
        public ulong Gpa => Region.GuestPhysAddr;
        public ulong Size => Region.MemorySize;
        public LabFile? File => FileObject;
        public ulong Offset => Region.GuestMemfdOffset;
        public MemslotFlags Flags => Region.Flags;
        public ulong UserspaceAddress => Region.UserspaceAddr;
    }

    public sealed class LabMapping : LabObject
    {
        internal LabMapping(GmemLab lab, string id, LabFile? file, long offset, IHostMapping handle) : base(lab, id)
        {
            FileObject = file;
            Offset = offset;
            Handle = handle;
        }

        internal LabFile? FileObject { get; }
        internal IHostMapping Handle { get; }
        public LabFile? File => FileObject;
        public long Offset { get; }
        public long Length => Handle.Length;
        public ulong Address => Handle.Address;
    }
}
