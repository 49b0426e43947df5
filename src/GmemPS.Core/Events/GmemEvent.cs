using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Events
{
    /// <summary>Why the kernel zapped guest mappings of a gfn range.</summary>
    public enum InvalidationCause
    {
        /// <summary>fallocate(PUNCH_HOLE) freed file pages (kvm_gmem_punch_hole).</summary>
        PunchHole,
        /// <summary>The last reference to the file went away (kvm_gmem_release).</summary>
        FileRelease,
        /// <summary>The memslot was deleted (kvm_invalidate_memslot).</summary>
        SlotDelete,
        /// <summary>KVM_SET_MEMORY_ATTRIBUTES changed the range.</summary>
        Attributes,
    }

    /// <summary>A kernel-visible effect, numbered in the order it happened.</summary>
    public abstract record GmemEvent
    {
        public long Sequence { get; internal set; }
        public string Kind => GetType().Name;
        /// <summary>The backend whose log holds the event (set by the session that owns the host).</summary>
        public BackendKind? Backend { get; internal set; }
        /// <summary>The session's name for the VM the event is about (vm0), where it is about one of them;
        /// the kernel's own number stays in VmId.</summary>
        public string? SessionVm { get; internal set; }
        /// <summary>The session's name for the guest_memfd the event is about (gmem0); the kernel's is Inode.</summary>
        public string? SessionFile { get; internal set; }
        /// <summary>The session's name for the memslot the event is about (vm0/slot2).</summary>
        public string? SessionSlot { get; internal set; }
        /// <summary>One line a user reads in Get-GmemEvent: what happened and which kernel rule made it so.</summary>
        public abstract string Describe();
        public sealed override string ToString() => $"#{Sequence} {Kind}: {Describe()}";
    }

    public sealed record VmCreated(int VmId, ulong Type) : GmemEvent
    {
        public override string Describe() => $"vm {VmId} of type {Type} created (users_count 1, held by its fd)";
    }

    public sealed record VmDestroyed(int VmId) : GmemEvent
    {
        public override string Describe() =>
            $"vm {VmId} destroyed: its users_count reached 0 (VM fd and every guest_memfd of it closed); memslots freed";
    }

    public sealed record GuestMemfdCreated(int VmId, long Inode, ulong Size, GuestMemfdFlags Flags) : GmemEvent
    {
        public override string Describe() =>
            $"guest_memfd inode {Inode} of {Hex.Size(Size)} flags {Flags} created; it holds a reference on vm {VmId}";
    }

    public sealed record SlotCreated(int VmId, int Slot, ulong BaseGfn, ulong Pages, long Inode, ulong PageOffset) : GmemEvent
    {
        public override string Describe() => Inode < 0
            ? $"vm {VmId} slot {Slot}: gfn {Hex.Address(BaseGfn)} +{Pages} pages (no guest_memfd)"
            : $"vm {VmId} slot {Slot}: gfn {Hex.Address(BaseGfn)} +{Pages} pages bound to inode {Inode} from page {PageOffset}";
    }

    public sealed record SlotDeleted(int VmId, int Slot) : GmemEvent
    {
        public override string Describe() => $"vm {VmId} slot {Slot} deleted; file pages stay in the guest_memfd";
    }

    public sealed record Invalidated(int VmId, int Slot, ulong GfnStart, ulong GfnEnd, InvalidationCause Cause) : GmemEvent
    {
        public override string Describe() =>
            $"vm {VmId} slot {Slot}: gfns [{Hex.Address(GfnStart)}, {Hex.Address(GfnEnd)}) zapped by {Cause}";
    }

    public sealed record PagesAllocated(long Inode, ulong FirstPage, ulong EndPage, ulong NewPages) : GmemEvent
    {
        public override string Describe() =>
            $"inode {Inode}: pages [{FirstPage}, {EndPage}) allocated, {NewPages} of them new";
    }

    public sealed record PagesFreed(long Inode, ulong FirstPage, ulong EndPage, ulong FreedPages) : GmemEvent
    {
        public override string Describe() =>
            $"inode {Inode}: pages [{FirstPage}, {EndPage}) punched, {FreedPages} freed; they read back as zero";
    }

    public sealed record AttributesChanged(int VmId, ulong GfnStart, ulong GfnEnd, MemoryAttributes Attributes) : GmemEvent
    {
        public override string Describe() =>
            $"vm {VmId}: gfns [{Hex.Address(GfnStart)}, {Hex.Address(GfnEnd)}) now {(Attributes == MemoryAttributes.None ? "shared" : Attributes.ToString())}";
    }

    public sealed record FileReleased(int VmId, long Inode, int SlotsDisconnected) : GmemEvent
    {
        public override string Describe() => VmId < 0
            ? $"inode {Inode} released (last reference gone); it had no owner VM"
            : $"inode {Inode} released (last fd and mapping gone); {SlotsDisconnected} slot(s) of vm {VmId} lose their file but stay until deleted; its vm reference is dropped";
    }
}
