using GmemPS.Designs;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>
    /// A host that can run the designs argued on the mailing lists next to upstream (the simulator). Kept apart
    /// from <see cref="IGmemHost"/>, which stays shaped like the real uAPI: the lab asks for this interface only
    /// when a VM or file is created with a non-upstream <see cref="DesignPolicies"/>.
    /// </summary>
    public interface IDesignAwareHost : IGmemHost
    {
        /// <summary>KVM_CREATE_VM of a VM that runs <paramref name="designs"/>.</summary>
        IGmemVm CreateVm(ulong type, DesignPolicies designs);

        /// <summary>
        /// KVM_CREATE_GUEST_MEMFD issued on /dev/kvm (a system ioctl). Upstream answers EINVAL (it is a VM
        /// ioctl only); under <see cref="PinModel.SlotPinsFile"/> it returns a file with no owner yet.
        /// </summary>
        IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request, DesignPolicies designs);

        /// <summary>memfd_create + ftruncate: a shmem memfd of the 2021 proposal (seed C).</summary>
        IMemfd CreateMemfd(ulong size);

        /// <summary>Opens another VFIO device in an existing group (seed E); the group's kvm pointer decides its VM.</summary>
        IVfioDevice OpenVfioDevice(int group);

        /// <summary>Runs the queued work items (kvm_put_kvm_async's destroys).</summary>
        int RunWorkQueue();

        /// <summary>delete_module("kvm"): EBUSY while anything pins kvm.ko.</summary>
        void UnloadKvmModule();
    }

    /// <summary>A kvm-vfio device (KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)): its fd pins the VM (seed E).</summary>
    public interface IKvmVfioDevice
    {
        int Fd { get; }
        bool IsClosed { get; }

        /// <summary>Opens a VFIO device in a new group and adds the group to this kvm-vfio device (KVM_DEV_VFIO_FILE_ADD).</summary>
        IVfioDevice OpenVfioDevice();

        void Close();
    }

    /// <summary>An open VFIO device (seed E).</summary>
    public interface IVfioDevice
    {
        int Fd { get; }
        int Id { get; }
        int Group { get; }
        bool IsClosed { get; }

        void Close();
    }

    /// <summary>A shmem memfd of the 2021 proposal (seed C). Its descriptor goes in a memslot's guest_memfd field.</summary>
    public interface IMemfd
    {
        int Fd { get; }
        long Inode { get; }
        ulong Size { get; }
        bool IsSealed { get; }

        /// <summary>fcntl(F_ADD_SEALS, F_SEAL_GUEST).</summary>
        void SealGuest();

        /// <summary>pwrite(2).</summary>
        void Write(ulong offset, byte[] data);

        /// <summary>ftruncate(2): shrinking frees pages (and calls the owner's invalidate callback).</summary>
        void Truncate(ulong size);

        bool IsClosed { get; }

        /// <summary>close(2) of the descriptor.</summary>
        void Close();
    }

    /// <summary>A guest fault stopped between KVM's page lookup and its SEPT install (seed C).</summary>
    public interface IGuestFault
    {
        bool IsCompleted { get; }

        /// <summary>Installs the entry and unlocks the page (put_unlock_pfn).</summary>
        void Complete();
    }

    /// <summary>The design-only ioctls of a simulated VM.</summary>
    public interface IDesignVm : IGmemVm
    {
        /// <summary>The VM's designs.</summary>
        DesignPolicies Designs { get; }

        /// <summary>KVM_LINK_GUEST_MEMFD: a new view of <paramref name="source"/>'s inode owned by this VM (ENOTTY upstream).</summary>
        IGuestMemfd LinkGuestMemfd(IGuestMemfd source);

        /// <summary>A guest fault on a sealed-memfd slot, stopped after get_lock_pfn (seed C).</summary>
        IGuestFault StartGuestFault(ulong gpa);

        /// <summary>KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO) (seed E).</summary>
        IKvmVfioDevice CreateKvmVfioDevice();
    }

    /// <summary>The design-only operations on a simulated guest_memfd (seed B: in-place conversion and host references).</summary>
    public interface IDesignGuestMemfd : IGuestMemfd
    {
        /// <summary>Converts pages (KVM_SET_MEMORY_ATTRIBUTES2, or RFC v5's share/unshare); ENOTTY upstream.</summary>
        void Convert(ConvertRequest request);

        /// <summary>The host takes a reference on pages (a pin, or a speculative one): they must be mappable by the host.</summary>
        IHostReference Reference(long offset, long length, HostReferenceKind kind);

        /// <summary>madvise(MADV_DONTNEED) on every host mapping of the pages: their PTEs go, the mappings stay.</summary>
        void DropHostMappings(long offset, long length);

        /// <summary>Per-page states of [offset, offset+length), as runs.</summary>
        System.Collections.Generic.IReadOnlyList<PageStateRange> PageStates(long offset, long length);
    }

    /// <summary>A host reference on guest_memfd pages; releasing it is the put that may run a final-put callback.</summary>
    public interface IHostReference
    {
        bool IsReleased { get; }
        void Release();
    }
}
