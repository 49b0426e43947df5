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

        // Seed B
        public static readonly KernelRule GmemAttributes2NotSupported = Rule(nameof(GmemAttributes2NotSupported), SetMemoryAttributes2, ENOTTY,
            "KVM_SET_MEMORY_ATTRIBUTES2 on a guest_memfd is part of the in-place conversion series, not of this kernel (KVM_CAP_GUEST_MEMFD_MEMORY_ATTRIBUTES is 0)");
        public static readonly KernelRule ConversionRangeInvalid = DesignRule(nameof(ConversionRangeInvalid), SetMemoryAttributes2, EINVAL,
            "offset and size must be page aligned, size non-zero, and the range inside the guest_memfd");
        public static readonly KernelRule ConversionHostReference = DesignRule(nameof(ConversionHostReference), SetMemoryAttributes2, EAGAIN,
            "a host reference other than a mapping (an IOMMU pin, GUP) still holds a page: error_offset names the first; drop it and retry");
        public static readonly KernelRule ConversionContentUnsupported = DesignRule(nameof(ConversionContentUnsupported), SetMemoryAttributes2, EOPNOTSUPP,
            "ZERO applies only to private-to-shared conversions, and PRESERVE only where the architecture can keep the contents");
        public static readonly KernelRule UnshareHostMapped = DesignRule(nameof(UnshareHostMapped), GuestConvert, EAGAIN,
            "RFC v5: the page is still mapped in the host (mapcount > 0): nothing is armed; the VMM must munmap it and the guest retry");
        public static readonly KernelRule UnshareDeferred = DesignRule(nameof(UnshareDeferred), GuestConvert, EAGAIN,
            "RFC v5: the host holds extra references: the page waits in NONE and the final folio_put completes the conversion");
        public static readonly KernelRule UnshareFreezeFailed = DesignRule(nameof(UnshareFreezeFailed), GuestConvert, EAGAIN,
            "RFC v6: folio_ref_freeze failed because of another reference; nothing changed, retry");
        public static readonly KernelRule GuestConvertRangeInvalid = DesignRule(nameof(GuestConvertRangeInvalid), GuestConvert, EINVAL,
            "offset and size must be page aligned, size non-zero, and the range inside the guest_memfd");
        public static readonly KernelRule HostReferenceNotMappable = DesignRule(nameof(HostReferenceNotMappable), HostReference, EFAULT,
            "the host can take a reference only on pages it may map (shared), inside the file: get_user_pages faults like an access would");

        // Seed C
        public static readonly KernelRule MemfdSizeInvalid = DesignRule(nameof(MemfdSizeInvalid), MemfdCreate, EINVAL,
            "the memfd size must be a multiple of the page size");
        public static readonly KernelRule MemfdSealBusy = DesignRule(nameof(MemfdSealBusy), MemfdSeal, EBUSY,
            "F_SEAL_GUEST needs a memfd with no pages and no mappings (Sean: size 0 at seal time)");
        public static readonly KernelRule MemfdSealedNoAccess = DesignRule(nameof(MemfdSealedNoAccess), MemfdWrite, EPERM,
            "the memfd is sealed with F_SEAL_GUEST: read, write and mmap are refused");
        public static readonly KernelRule MemfdPartialTruncate = DesignRule(nameof(MemfdPartialTruncate), MemfdTruncate, EINVAL,
            "a F_SEAL_GUEST memfd truncates only to page-aligned sizes (zeroing part of a page could #MCE on TDX)");
        public static readonly KernelRule MemfdWriteRangeInvalid = DesignRule(nameof(MemfdWriteRangeInvalid), MemfdWrite, EINVAL,
            "the write must lie within the memfd");
        public static readonly KernelRule MemfdNotSealed = DesignRule(nameof(MemfdNotSealed), SetUserMemoryRegion2, EINVAL,
            "a private memslot needs a memfd sealed with F_SEAL_GUEST");
        public static readonly KernelRule MemfdOwnedByOther = DesignRule(nameof(MemfdOwnedByOther), SetUserMemoryRegion2, EPERM,
            "the memfd already has a guest owner (another KVM, or another memslot under per-memslot registration)");
        public static readonly KernelRule GuestFaultNotMemfd = DesignRule(nameof(GuestFaultNotMemfd), GuestFault, EFAULT,
            "a stepped guest fault needs a gpa in a memslot backed by a sealed memfd");

        // Seed E
        public static readonly KernelRule VfioGroupUnknown = DesignRule(nameof(VfioGroupUnknown), VfioDeviceOpen, ENOENT,
            "no VFIO group with that number exists in this simulated host");
        public static readonly KernelRule KvmModuleInUse = DesignRule(nameof(KvmModuleInUse), DeleteModule, EBUSY,
            "kvm.ko is in use: a VM fd, a symbol_get, a module reference or a VM file held by VFIO pins it");
    }
}
