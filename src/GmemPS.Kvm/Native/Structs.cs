using System.Runtime.InteropServices;

namespace GmemPS.Kvm.Native
{
    // The uapi structs, laid out byte for byte (kernel-semantics §1.2 and include/uapi/linux/kvm.h, x86_64).
    // Explicit sizes make a wrong layout a compile-time fact the size test can compare to the ioctl number.

    /// <summary>struct kvm_create_guest_memfd (64B).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    internal struct KvmCreateGuestMemfd
    {
        [FieldOffset(0)] public ulong Size;
        [FieldOffset(8)] public ulong Flags;
        /// <summary>reserved[0]: passed through; 6.18 does not check reserved[] at all.</summary>
        [FieldOffset(16)] public ulong Reserved0;
    }

    /// <summary>struct kvm_userspace_memory_region2 (160B): pad1 and pad2[14] stay zero.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 160)]
    internal struct KvmUserspaceMemoryRegion2
    {
        [FieldOffset(0)] public uint Slot;
        [FieldOffset(4)] public uint Flags;
        [FieldOffset(8)] public ulong GuestPhysAddr;
        [FieldOffset(16)] public ulong MemorySize;
        [FieldOffset(24)] public ulong UserspaceAddr;
        [FieldOffset(32)] public ulong GuestMemfdOffset;
        [FieldOffset(40)] public uint GuestMemfd;
    }

    /// <summary>struct kvm_memory_attributes (32B).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    internal struct KvmMemoryAttributes
    {
        [FieldOffset(0)] public ulong Address;
        [FieldOffset(8)] public ulong Size;
        [FieldOffset(16)] public ulong Attributes;
        [FieldOffset(24)] public ulong Flags;
    }

    /// <summary>struct kvm_regs (144B): the general registers, rip and rflags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    internal struct KvmRegs
    {
        public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rsp, Rbp;
        public ulong R8, R9, R10, R11, R12, R13, R14, R15;
        public ulong Rip, Rflags;
    }

    /// <summary>struct kvm_segment (24B): a segment register's hidden part.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 24)]
    internal struct KvmSegment
    {
        public ulong Base;
        public uint Limit;
        public ushort Selector;
        public byte Type, Present, Dpl, Db, S, L, G, Avl, Unusable, Padding;
    }

    /// <summary>struct kvm_dtable (16B): gdt or idt.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    internal struct KvmDtable
    {
        public ulong Base;
        public ushort Limit;
        public ushort Padding0, Padding1, Padding2;
    }

    /// <summary>struct kvm_sregs (312B).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 312)]
    internal unsafe struct KvmSregs
    {
        public KvmSegment Cs, Ds, Es, Fs, Gs, Ss, Tr, Ldt;
        public KvmDtable Gdt, Idt;
        public ulong Cr0, Cr2, Cr3, Cr4, Cr8, Efer, ApicBase;
        public fixed ulong InterruptBitmap[4];
    }

    /// <summary>struct kvm_cpuid_entry2 (40B).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    internal struct KvmCpuidEntry2
    {
        public uint Function, Index, Flags, Eax, Ebx, Ecx, Edx, Padding0, Padding1, Padding2;
    }

    /// <summary>The parts of struct kvm_run (the vCPU's shared page) GmemPS reads, by byte offset.</summary>
    internal static class KvmRunLayout
    {
        /// <summary>immediate_exit: KVM_RUN completes pending MMIO/PIO and returns EINTR without entering the guest.</summary>
        public const int ImmediateExit = 1;
        public const int ExitReason = 8;
        /// <summary>The exit union starts here.</summary>
        public const int Union = 32;
        // KVM_EXIT_MMIO: u64 phys_addr; u8 data[8]; u32 len; u8 is_write.
        public const int MmioPhysAddr = Union;
        // KVM_EXIT_MEMORY_FAULT: u64 flags; u64 gpa; u64 size.
        public const int MemoryFaultFlags = Union;
        public const int MemoryFaultGpa = Union + 8;
        public const int MemoryFaultSize = Union + 16;
    }
}
