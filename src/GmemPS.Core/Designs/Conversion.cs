using GmemPS.Kernel;

namespace GmemPS.Designs
{
    /// <summary>§B: who may map one page of a guest_memfd (RFC v5 names in brackets).</summary>
    public enum GmemPageState
    {
        /// <summary>Host and guest may map it [KVM_GMEM_ALL_MAPPABLE].</summary>
        Shared,
        /// <summary>Only the guest may map it [KVM_GMEM_GUEST_MAPPABLE].</summary>
        Private,
        /// <summary>Nobody may map it while host references drain; a callback finishes the conversion [KVM_GMEM_NONE_MAPPABLE].</summary>
        Pending,
    }

    /// <summary>§B: a reference the host holds on a guest_memfd page besides its mappings.</summary>
    public enum HostReferenceKind
    {
        /// <summary>A long-term pin: get_user_pages, vmsplice, an IOMMU (VFIO) mapping.</summary>
        Pin,
        /// <summary>A speculative reference (compaction, a PFN scanner): it drops right after the next conversion check of the page.</summary>
        Speculative,
    }

    /// <summary>§B, 2026: KVM_SET_MEMORY_ATTRIBUTES2 content modes (flags).</summary>
    public enum ConversionContent
    {
        Unspecified = 0,
        /// <summary>Zero the pages (private to shared only).</summary>
        Zero = 1,
        /// <summary>Keep the contents (-EOPNOTSUPP where the arch cannot).</summary>
        Preserve = 2,
    }

    /// <summary>
    /// A conversion of guest_memfd pages [Offset, Offset+Size) to <see cref="Attributes"/>: struct kvm_memory_attributes2 on the
    /// file (2026), or the guest's share/unshare of RFC v5. <see cref="ErrorOffset"/> is written back when the kernel refuses.
    /// </summary>
    public sealed class ConvertRequest
    {
        public ConvertRequest(ulong offset, ulong size, MemoryAttributes attributes, ConversionContent content = ConversionContent.Unspecified)
        {
            Offset = offset;
            Size = size;
            Attributes = attributes;
            Content = content;
        }

        public ulong Offset { get; }
        public ulong Size { get; }
        public MemoryAttributes Attributes { get; }
        public ConversionContent Content { get; }
        /// <summary>The first offset the kernel could not convert (-EAGAIN), as the uAPI's out field.</summary>
        public ulong? ErrorOffset { get; set; }

        public bool ToPrivate => (Attributes & MemoryAttributes.Private) != 0;

        public override string ToString() =>
            $"offset {Hex.Address(Offset)}, size {Hex.Size(Size)}, attributes 0x{(ulong)Attributes:x} ({(ToPrivate ? "private" : "shared")}), content {Content}"
            + (ErrorOffset == null ? string.Empty : $", error_offset {Hex.Address(ErrorOffset.Value)}");
    }

    /// <summary>A run of guest_memfd pages in one state.</summary>
    public sealed record PageStateRange(ulong Offset, ulong Length, GmemPageState State, int HostReferences, int HostMappings)
    {
        public override string ToString() =>
            $"[{Hex.Address(Offset)}, {Hex.Address(Offset + Length)}) {State}, {HostReferences} host reference(s), {HostMappings} host mapping(s)";
    }
}
