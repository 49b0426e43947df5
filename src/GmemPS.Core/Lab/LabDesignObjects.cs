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

    /// <summary>A shmem memfd of the 2021 proposal (seed C): memfd0, memfd1, ...</summary>
    public sealed class LabMemfd : LabObject
    {
        internal LabMemfd(GmemLab lab, string id, BackendKind backend, string? profile, IMemfd handle) : base(lab, id)
        {
            Backend = backend;
            Profile = profile;
            Handle = handle;
        }

        internal IMemfd Handle { get; }
        public BackendKind Backend { get; }
        public string? Profile { get; }
        public LabMemfd Memfd => this;
        public int Fd => Handle.Fd;
        public long Inode => Handle.Inode;
        public ulong Size => Handle.Size;
        public bool Sealed => Handle.IsSealed;
    }

    /// <summary>A guest fault stopped between KVM's page lookup and its SEPT install (seed C): fault0, fault1, ...</summary>
    public sealed class LabGuestFault : LabObject
    {
        internal LabGuestFault(GmemLab lab, string id, LabVm vm, ulong gpa, IGuestFault handle) : base(lab, id)
        {
            VmObject = vm;
            Gpa = gpa;
            Handle = handle;
        }

        internal LabVm VmObject { get; }
        internal IGuestFault Handle { get; }
        public LabVm Vm => VmObject;
        public ulong Gpa { get; }
        public bool Completed => Handle.IsCompleted;
    }

    /// <summary>A kvm-vfio device (KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)) of a VM, seed E: kvmvfio0, ...</summary>
    public sealed class LabKvmVfioDevice : LabObject
    {
        internal LabKvmVfioDevice(GmemLab lab, string id, LabVm vm, IKvmVfioDevice handle) : base(lab, id)
        {
            VmObject = vm;
            Handle = handle;
        }

        internal LabVm VmObject { get; }
        internal IKvmVfioDevice Handle { get; }
        public LabVm Vm => VmObject;
        public LabKvmVfioDevice KvmVfioDevice => this;
        public int Fd => Handle.Fd;
    }

    /// <summary>An open VFIO device (seed E): vfio0, vfio1, ...</summary>
    public sealed class LabVfioDevice : LabObject
    {
        internal LabVfioDevice(GmemLab lab, string id, BackendKind backend, string? profile, LabVm? vm, IVfioDevice handle) : base(lab, id)
        {
            Backend = backend;
            Profile = profile;
            VmObject = vm;
            Handle = handle;
        }

        internal IVfioDevice Handle { get; }
        internal LabVm? VmObject { get; }
        public BackendKind Backend { get; }
        public string? Profile { get; }
        /// <summary>The VM whose kvm-vfio device its group was added to (null when opened into an existing group).</summary>
        public LabVm? Vm => VmObject;
        public LabVfioDevice Device => this;
        public int Group => Handle.Group;
        public int Fd => Handle.Fd;
    }

    /// <summary>Whether delete_module("kvm") would succeed now, and what pins the module if not (seed E).</summary>
    public sealed class LabModuleUnload
    {
        internal LabModuleUnload(BackendKind backend, string? profile, string? holder)
        {
            Backend = backend;
            Profile = profile;
            Holder = holder;
        }

        public BackendKind Backend { get; }
        public string? Profile { get; }
        public bool Unloadable => Holder == null;
        /// <summary>What pins kvm.ko (null when nothing does).</summary>
        public string? Holder { get; }

        public override string ToString() => Unloadable ? "kvm.ko can be unloaded" : $"kvm.ko is pinned: {Holder}";
    }
}
