namespace GmemPS.Kernel
{
    /// <summary>The kernel entry points GmemPS drives; each failure names one of them.</summary>
    public enum KernelOperation
    {
        OpenKvm,
        CheckExtension,
        CreateVm,
        CreateGuestMemfd,
        SetUserMemoryRegion2,
        SetMemoryAttributes,
        Fallocate,
        Mmap,
        HostAccess,
        FileRead,
        FileWrite,
        FilePread,
        FileTruncate,
        Close,
        GuestAccess,
        // Operations of the designs the simulator runs next to upstream (src/GmemPS.Core/Designs).
        SystemCreateGuestMemfd,
        LinkGuestMemfd,
        SetMemoryAttributes2,
        GuestConvert,
        HostReference,
        Madvise,
        MemfdCreate,
        MemfdSeal,
        MemfdWrite,
        MemfdTruncate,
        GuestFault,
        CreateKvmVfioDevice,
        VfioDeviceOpen,
        DeleteModule,
    }

    public static class KernelOperationNames
    {
        /// <summary>The name a kernel engineer would grep for.</summary>
        public static string Of(KernelOperation operation) => operation switch
        {
            KernelOperation.OpenKvm => "open(/dev/kvm)",
            KernelOperation.CheckExtension => "KVM_CHECK_EXTENSION",
            KernelOperation.CreateVm => "KVM_CREATE_VM",
            KernelOperation.CreateGuestMemfd => "KVM_CREATE_GUEST_MEMFD",
            KernelOperation.SetUserMemoryRegion2 => "KVM_SET_USER_MEMORY_REGION2",
            KernelOperation.SetMemoryAttributes => "KVM_SET_MEMORY_ATTRIBUTES",
            KernelOperation.Fallocate => "fallocate",
            KernelOperation.Mmap => "mmap",
            KernelOperation.HostAccess => "host access through a mapping",
            KernelOperation.FileRead => "read",
            KernelOperation.FileWrite => "write",
            KernelOperation.FilePread => "pread",
            KernelOperation.FileTruncate => "ftruncate",
            KernelOperation.Close => "close",
            KernelOperation.GuestAccess => "KVM_RUN",
            KernelOperation.SystemCreateGuestMemfd => "KVM_CREATE_GUEST_MEMFD on /dev/kvm",
            KernelOperation.LinkGuestMemfd => "KVM_LINK_GUEST_MEMFD",
            KernelOperation.SetMemoryAttributes2 => "KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd",
            KernelOperation.GuestConvert => "guest share/unshare (RFC v5 gmem_set_mappable/gmem_clear_mappable)",
            KernelOperation.HostReference => "a host reference (get_user_pages, vmsplice, IOMMU pin)",
            KernelOperation.Madvise => "madvise(MADV_DONTNEED)",
            KernelOperation.MemfdCreate => "memfd_create",
            KernelOperation.MemfdSeal => "fcntl(F_ADD_SEALS, F_SEAL_GUEST)",
            KernelOperation.MemfdWrite => "pwrite on a memfd",
            KernelOperation.MemfdTruncate => "ftruncate on a memfd",
            KernelOperation.GuestFault => "a guest fault (get_lock_pfn .. put_unlock_pfn)",
            KernelOperation.CreateKvmVfioDevice => "KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)",
            KernelOperation.VfioDeviceOpen => "open of a VFIO device (with KVM_DEV_VFIO_FILE_ADD of its group)",
            KernelOperation.DeleteModule => "delete_module(kvm)",
            _ => operation.ToString(),
        };
    }
}
