using System.Globalization;

namespace GmemPS.Kernel
{
    /// <summary>struct kvm_create_guest_memfd, passed to the kernel exactly as given.</summary>
    public readonly record struct CreateGuestMemfdRequest(ulong Size, GuestMemfdFlags Flags, ulong Reserved0 = 0)
    {
        public override string ToString() =>
            $"size {Hex.Size(Size)}, flags 0x{(ulong)Flags:x} ({Flags}), reserved[0] 0x{Reserved0:x}";
    }

    /// <summary>struct kvm_userspace_memory_region2. A memory_size of 0 deletes the slot.</summary>
    public readonly record struct UserMemoryRegion2(
        uint Slot,
        MemslotFlags Flags,
        ulong GuestPhysAddr,
        ulong MemorySize,
        ulong UserspaceAddr,
        ulong GuestMemfdOffset,
        uint GuestMemfd)
    {
        /// <summary>The delete request selftests use: flags GUEST_MEMFD, size 0, fd -1, offset 0.</summary>
        public static UserMemoryRegion2 Delete(uint slot, MemslotFlags flags = MemslotFlags.GuestMemfd) =>
            new UserMemoryRegion2(slot, flags, 0, 0, 0, 0, uint.MaxValue);

        public bool IsDelete => MemorySize == 0;

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "slot {0}, flags 0x{1:x} ({2}), gpa {3}, size {4}, userspace_addr {5}, guest_memfd {6}, offset {7}",
            Slot, (uint)Flags, Flags, Hex.Address(GuestPhysAddr), Hex.Size(MemorySize), Hex.Address(UserspaceAddr),
            (int)GuestMemfd, Hex.Address(GuestMemfdOffset));
    }

    /// <summary>struct kvm_memory_attributes (KVM_SET_MEMORY_ATTRIBUTES on the VM fd).</summary>
    public readonly record struct MemoryAttributesRequest(ulong Address, ulong Size, MemoryAttributes Attributes, ulong Flags = 0)
    {
        public override string ToString() =>
            $"address {Hex.Address(Address)}, size {Hex.Size(Size)}, attributes 0x{(ulong)Attributes:x}, flags 0x{Flags:x}";
    }

    /// <summary>Arguments of fallocate(2) on a guest_memfd. Offsets are signed, as loff_t is.</summary>
    public readonly record struct FallocateRequest(FallocateMode Mode, long Offset, long Length)
    {
        public static FallocateRequest Allocate(long offset, long length) =>
            new FallocateRequest(FallocateMode.KeepSize, offset, length);

        public static FallocateRequest PunchHole(long offset, long length) =>
            new FallocateRequest(FallocateMode.KeepSize | FallocateMode.PunchHole, offset, length);

        public override string ToString() =>
            $"mode 0x{(int)Mode:x} ({Mode}), offset {Hex.Signed(Offset)}, length {Hex.Signed(Length)}";
    }

    /// <summary>mmap(2) of a guest_memfd: MAP_SHARED or MAP_PRIVATE, always PROT_READ|PROT_WRITE.</summary>
    public readonly record struct MapRequest(long Offset, long Length, bool Shared = true)
    {
        public override string ToString() =>
            $"{(Shared ? "MAP_SHARED" : "MAP_PRIVATE")}, offset {Hex.Signed(Offset)}, length {Hex.Signed(Length)}";
    }
}
