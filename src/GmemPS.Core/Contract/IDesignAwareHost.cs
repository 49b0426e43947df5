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
    }

    /// <summary>The design-only ioctls of a simulated VM.</summary>
    public interface IDesignVm : IGmemVm
    {
        /// <summary>The VM's designs.</summary>
        DesignPolicies Designs { get; }

        /// <summary>KVM_LINK_GUEST_MEMFD: a new view of <paramref name="source"/>'s inode owned by this VM (ENOTTY upstream).</summary>
        IGuestMemfd LinkGuestMemfd(IGuestMemfd source);
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
