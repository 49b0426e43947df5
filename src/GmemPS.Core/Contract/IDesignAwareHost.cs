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
}
