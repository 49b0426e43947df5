using System;

namespace GmemPS.Kernel
{
    /// <summary>kvm_create_guest_memfd.flags.</summary>
    [Flags]
    public enum GuestMemfdFlags : ulong
    {
        None = 0,
        /// <summary>GUEST_MEMFD_FLAG_MMAP: the file may be mmap()ed MAP_SHARED (6.18).</summary>
        Mmap = 1UL << 0,
        /// <summary>GUEST_MEMFD_FLAG_INIT_SHARED: the memory starts shared, so host faults are allowed.</summary>
        InitShared = 1UL << 1,
    }

    /// <summary>kvm_userspace_memory_region2.flags.</summary>
    [Flags]
    public enum MemslotFlags : uint
    {
        None = 0,
        LogDirtyPages = 1u << 0,
        ReadOnly = 1u << 1,
        GuestMemfd = 1u << 2,
    }

    /// <summary>fallocate(2) mode bits.</summary>
    [Flags]
    public enum FallocateMode
    {
        Allocate = 0,
        KeepSize = 0x01,
        PunchHole = 0x02,
        CollapseRange = 0x08,
        ZeroRange = 0x10,
        InsertRange = 0x20,
        UnshareRange = 0x40,
    }

    /// <summary>kvm_memory_attributes.attributes.</summary>
    [Flags]
    public enum MemoryAttributes : ulong
    {
        None = 0,
        Private = 1UL << 3,
    }

    /// <summary>kvm_run.exit_reason values GmemPS reports.</summary>
    public enum ExitReason
    {
        Unknown = 0,
        Io = 2,
        Hypercall = 3,
        Hlt = 5,
        Mmio = 6,
        Shutdown = 8,
        FailEntry = 9,
        InternalError = 17,
        MemoryFault = 39,
    }

    /// <summary>kvm_run.memory_fault.flags.</summary>
    [Flags]
    public enum MemoryFaultFlags : ulong
    {
        None = 0,
        Private = 1UL << 3,
    }

    /// <summary>Numbers that are not flags: page size, slot limits.</summary>
    public static class KvmLimits
    {
        public const int PageShift = 12;
        public const long PageSize = 1L << PageShift;
        /// <summary>x86 KVM_USER_MEM_SLOTS: the slot id check is (u16)slot &gt;= 32764.</summary>
        public const int UserMemSlots = 32764;
        /// <summary>KVM_MEM_MAX_NR_PAGES: pages one user memslot may span.</summary>
        public const ulong MaxPagesPerSlot = (1UL << 31) - 1;
    }
}
