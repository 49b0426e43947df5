using static GmemPS.Kernel.Errno;
using static GmemPS.Kernel.KernelOperation;

namespace GmemPS.Kernel
{
    // Each rule cites where the kernel enforces it (shared/reference/kernel-semantics.md section).
    public static partial class KernelRules
    {
        // /dev/kvm and the host
        public static readonly KernelRule KvmDeviceMissing = Rule(nameof(KvmDeviceMissing), OpenKvm, ENOENT,
            "/dev/kvm does not exist: the kvm module is not loaded or the device is not exposed here");
        public static readonly KernelRule KvmPermissionDenied = Rule(nameof(KvmPermissionDenied), OpenKvm, EACCES,
            "/dev/kvm cannot be opened read-write by this user (join the kvm group or run as root)");
        public static readonly KernelRule VmTypeUnsupported = Rule(nameof(VmTypeUnsupported), CreateVm, EINVAL,
            "the VM type is not in KVM_CAP_VM_TYPES of this host");

        // KVM_CREATE_GUEST_MEMFD (§2.1): flags are checked before the size.
        public static readonly KernelRule GmemFlagsUnsupported = Rule(nameof(GmemFlagsUnsupported), CreateGuestMemfd, EINVAL,
            "flags has a bit outside KVM_CAP_GUEST_MEMFD_FLAGS of this VM (MMAP=1, INIT_SHARED=2 where the VM type allows it)");
        public static readonly KernelRule GmemSizeInvalid = Rule(nameof(GmemSizeInvalid), CreateGuestMemfd, EINVAL,
            "size must be a non-zero multiple of the page size (4 KiB) and below 2^63");

        // KVM_SET_USER_MEMORY_REGION2 (§2.2), in the kernel's check order.
        public static readonly KernelRule SlotIdOutOfRange = Rule(nameof(SlotIdOutOfRange), SetUserMemoryRegion2, EINVAL,
            "the slot id (low 16 bits) must be below KVM_USER_MEM_SLOTS (32764) and slot >> 16 must name an address space");
        public static readonly KernelRule MemslotFlagsInvalid = Rule(nameof(MemslotFlagsInvalid), SetUserMemoryRegion2, EINVAL,
            "flags may hold only LOG_DIRTY_PAGES (1), READONLY (2) and GUEST_MEMFD (4), and GUEST_MEMFD excludes the other two");
        public static readonly KernelRule MemslotSizeUnaligned = Rule(nameof(MemslotSizeUnaligned), SetUserMemoryRegion2, EINVAL,
            "memory_size must be a multiple of the page size");
        public static readonly KernelRule MemslotGpaUnaligned = Rule(nameof(MemslotGpaUnaligned), SetUserMemoryRegion2, EINVAL,
            "guest_phys_addr must be page aligned");
        public static readonly KernelRule MemslotUserspaceAddrInvalid = Rule(nameof(MemslotUserspaceAddrInvalid), SetUserMemoryRegion2, EINVAL,
            "userspace_addr must be page aligned and [addr, addr+size) a valid user address range");
        public static readonly KernelRule MemslotGmemOffsetInvalid = Rule(nameof(MemslotGmemOffsetInvalid), SetUserMemoryRegion2, EINVAL,
            "guest_memfd_offset must be page aligned, non-negative as loff_t, and offset + memory_size must not overflow");
        public static readonly KernelRule MemslotGpaOverflow = Rule(nameof(MemslotGpaOverflow), SetUserMemoryRegion2, EINVAL,
            "guest_phys_addr + memory_size overflows");
        public static readonly KernelRule MemslotBeyondMaxGfn = Rule(nameof(MemslotBeyondMaxGfn), SetUserMemoryRegion2, EINVAL,
            "the slot ends beyond the largest gfn the MMU can map (2^52 bytes of gpa under shadow paging, the host's MAXPHYADDR under TDP)");
        public static readonly KernelRule MemslotTooLarge = Rule(nameof(MemslotTooLarge), SetUserMemoryRegion2, EINVAL,
            "a memslot may span at most KVM_MEM_MAX_NR_PAGES (2^31 - 1) pages");
        public static readonly KernelRule MemslotDeleteMissing = Rule(nameof(MemslotDeleteMissing), SetUserMemoryRegion2, EINVAL,
            "memory_size 0 deletes a slot, and this slot does not exist");
        public static readonly KernelRule MemslotGmemImmutable = Rule(nameof(MemslotGmemImmutable), SetUserMemoryRegion2, EINVAL,
            "a guest_memfd memslot can only be deleted: moving it, changing its offset or flags, or re-issuing it unchanged is refused");
        public static readonly KernelRule MemslotModifyInvalid = Rule(nameof(MemslotModifyInvalid), SetUserMemoryRegion2, EINVAL,
            "an existing memslot keeps its userspace_addr, size and READONLY flag; only the gpa or LOG_DIRTY_PAGES may change");
        public static readonly KernelRule MemslotGpaOverlap = Rule(nameof(MemslotGpaOverlap), SetUserMemoryRegion2, EEXIST,
            "the gpa range overlaps another memslot of the same address space (checked before the guest_memfd is looked at)");
        public static readonly KernelRule GmemFdNotOpen = Rule(nameof(GmemFdNotOpen), SetUserMemoryRegion2, EBADF,
            "guest_memfd is not an open file descriptor");
        public static readonly KernelRule GmemFdNotGuestMemfd = Rule(nameof(GmemFdNotGuestMemfd), SetUserMemoryRegion2, EINVAL,
            "guest_memfd names a file that is not a guest_memfd");
        public static readonly KernelRule GmemFdOtherVm = Rule(nameof(GmemFdOtherVm), SetUserMemoryRegion2, EINVAL,
            "the guest_memfd was created by another VM");
        public static readonly KernelRule GmemRangeOutsideFile = Rule(nameof(GmemRangeOutsideFile), SetUserMemoryRegion2, EINVAL,
            "guest_memfd_offset + memory_size must lie within the guest_memfd");
        public static readonly KernelRule GmemRangeAlreadyBound = Rule(nameof(GmemRangeAlreadyBound), SetUserMemoryRegion2, EINVAL,
            "part of that guest_memfd range is already bound to another memslot (one file page backs at most one slot)");

        // KVM_SET_MEMORY_ATTRIBUTES (§2.7)
        public static readonly KernelRule AttributesNotSupported = Rule(nameof(AttributesNotSupported), SetMemoryAttributes, ENOTTY,
            "this kernel has no KVM_SET_MEMORY_ATTRIBUTES (KVM_CAP_MEMORY_ATTRIBUTES is 0 on /dev/kvm)");
        public static readonly KernelRule AttributesFlagsNonZero = Rule(nameof(AttributesFlagsNonZero), SetMemoryAttributes, EINVAL,
            "flags must be 0");
        public static readonly KernelRule AttributesUnsupported = Rule(nameof(AttributesUnsupported), SetMemoryAttributes, EINVAL,
            "attributes has a bit outside KVM_CAP_MEMORY_ATTRIBUTES of this VM (PRIVATE needs a VM type with private memory)");
        public static readonly KernelRule AttributesRangeInvalid = Rule(nameof(AttributesRangeInvalid), SetMemoryAttributes, EINVAL,
            "size must be non-zero, address + size must not overflow, and both must be page aligned");

        // fallocate (§2.4): the VFS checks first, then guest_memfd.
        public static readonly KernelRule FallocateRangeNegative = Rule(nameof(FallocateRangeNegative), Fallocate, EINVAL,
            "offset must be >= 0 and length > 0");
        public static readonly KernelRule FallocateModeUnsupported = Rule(nameof(FallocateModeUnsupported), Fallocate, EOPNOTSUPP,
            "guest_memfd supports only KEEP_SIZE (allocate) and KEEP_SIZE|PUNCH_HOLE");
        public static readonly KernelRule FallocateTooBig = Rule(nameof(FallocateTooBig), Fallocate, EFBIG,
            "offset + length overflows or exceeds the largest file size");
        public static readonly KernelRule FallocateUnaligned = Rule(nameof(FallocateUnaligned), Fallocate, EINVAL,
            "offset and length must be page aligned");
        public static readonly KernelRule FallocateBeyondEof = Rule(nameof(FallocateBeyondEof), Fallocate, EINVAL,
            "allocation must end within the file: a guest_memfd never grows (punching past the end is fine)");

        // mmap (§2.5), in do_mmap's order: the syscall's offset alignment, the length, the offset range, the
        // address space, then the file's own .mmap.
        public static readonly KernelRule MmapNoAddressSpace = Rule(nameof(MmapNoAddressSpace), Mmap, ENOMEM,
            "no free range of the process's address space is that long (a negative length is a huge one)");
        public static readonly KernelRule MmapOvercommit = Rule(nameof(MmapOvercommit), Mmap, ENOMEM,
            "a private writable or shared anonymous mapping is charged to the commit limit, and heuristic overcommit refuses one larger than RAM plus swap");
        public static readonly KernelRule MmapOffsetOverflow = Rule(nameof(MmapOffsetOverflow), Mmap, EOVERFLOW,
            "offset + length lies beyond the largest file offset (2^63)");
        public static readonly KernelRule MmapNotSupported = Rule(nameof(MmapNotSupported), Mmap, ENODEV,
            "the guest_memfd was created without GUEST_MEMFD_FLAG_MMAP");
        public static readonly KernelRule MmapInvalid = Rule(nameof(MmapInvalid), Mmap, EINVAL,
            "a guest_memfd maps only MAP_SHARED, with a non-zero length and a page-aligned offset");

        // Host access through a mapping: the kernel raises SIGBUS; GmemPS reports EIO (as /proc/self/mem does).
        public static readonly KernelRule HostAccessNotShared = Rule(nameof(HostAccessNotShared), HostAccess, EIO,
            "the page is not shared with the host (file created without INIT_SHARED, or beyond its end): a direct access would raise SIGBUS");
        public static readonly KernelRule HostAccessUnmapped = Rule(nameof(HostAccessUnmapped), HostAccess, EFAULT,
            "the mapping has been unmapped");

        // Other file operations (§2.6)
        public static readonly KernelRule FileReadNotSupported = Rule(nameof(FileReadNotSupported), FileRead, EINVAL,
            "a guest_memfd has no read method");
        public static readonly KernelRule FileWriteNotSupported = Rule(nameof(FileWriteNotSupported), FileWrite, EINVAL,
            "a guest_memfd has no write method");
        public static readonly KernelRule FilePreadOffsetNegative = Rule(nameof(FilePreadOffsetNegative), FilePread, EINVAL,
            "the offset is negative (checked before the file is looked at)");
        public static readonly KernelRule FilePreadNotSupported = Rule(nameof(FilePreadNotSupported), FilePread, ESPIPE,
            "a guest_memfd is not seekable (no pread)");
        public static readonly KernelRule FileTruncateNotSupported = Rule(nameof(FileTruncateNotSupported), FileTruncate, EINVAL,
            "the size of a guest_memfd never changes (setattr always fails)");

        // Descriptors already closed: every operation on them answers EBADF.
        public static readonly KernelRule DescriptorClosed = Rule(nameof(DescriptorClosed), Close, EBADF,
            "the descriptor has been closed");
    }
}
