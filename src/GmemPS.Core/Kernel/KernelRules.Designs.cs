using static GmemPS.Kernel.Errno;
using static GmemPS.Kernel.KernelOperation;

namespace GmemPS.Kernel
{
    // Rules of the designs the simulator runs next to upstream (shared/reference/seeds-and-peers.md). Each
    // names the seed thread. Design rules never explain a Kvm errno (the real kernel runs upstream only);
    // GmemCreateIsVmIoctl and GmemLinkNotSupported are upstream's own answers to a design's request.
    public static partial class KernelRules
    {
        // Seed A
        public static readonly KernelRule GmemCreateIsVmIoctl = Rule(nameof(GmemCreateIsVmIoctl), SystemCreateGuestMemfd, EINVAL,
            "KVM_CREATE_GUEST_MEMFD is a VM ioctl: /dev/kvm does not know it (kvm_arch_dev_ioctl answers EINVAL); only the seed A alternative creates owner-less files there");
        public static readonly KernelRule GmemLinkNotSupported = Rule(nameof(GmemLinkNotSupported), LinkGuestMemfd, ENOTTY,
            "KVM_LINK_GUEST_MEMFD was proposed (link RFC) but never merged: upstream has no uAPI for a second view of a guest_memfd");
        public static readonly KernelRule GmemLinkSourceInvalid = DesignRule(nameof(GmemLinkSourceInvalid), LinkGuestMemfd, EINVAL,
            "the source of KVM_LINK_GUEST_MEMFD must be an open guest_memfd of another VM");
        public static readonly KernelRule GmemOwnerForbidsOtherVm = DesignRule(nameof(GmemOwnerForbidsOtherVm), SetUserMemoryRegion2, EINVAL,
            "seed A option (a): the guest_memfd was first bound by another VM and may never be bound by a different one");
    }
}
