using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // KVM_SET_MEMORY_ATTRIBUTES (§2.7): per VM, per gfn, independent of memslots and of guest_memfd contents.
    internal sealed partial class SimKernel
    {
        public void SetMemoryAttributes(SimKvm kvm, MemoryAttributesRequest r)
        {
            var op = KernelOperation.SetMemoryAttributes;
            if (Profile.MemoryAttributes == MemoryAttributes.None)
                throw Refuse(op, KernelRules.AttributesNotSupported, r, "CONFIG_KVM_GENERIC_MEMORY_ATTRIBUTES is off: the ioctl falls to the arch handler");
            if (r.Flags != 0)
                throw Refuse(op, KernelRules.AttributesFlagsNonZero, r, $"flags 0x{r.Flags:x}");
            var supported = SupportedAttributes(kvm);
            if ((r.Attributes & ~supported) != 0)
                throw Refuse(op, KernelRules.AttributesUnsupported, r, $"attributes 0x{(ulong)r.Attributes:x}, vm {kvm.Id} supports 0x{(ulong)supported:x}");
            ulong page = (ulong)KvmLimits.PageSize;
            if (r.Size == 0 || r.Address + r.Size < r.Address || r.Address % page != 0 || r.Size % page != 0)
                throw Refuse(op, KernelRules.AttributesRangeInvalid, r, $"address {Hex.Address(r.Address)}, size {Hex.Address(r.Size)}");

            ulong start = r.Address >> KvmLimits.PageShift, end = (r.Address + r.Size) >> KvmLimits.PageShift;
            // Already exactly these attributes over the whole range: nothing happens, no zap.
            bool unchanged = r.Attributes == MemoryAttributes.None
                ? !kvm.Attributes.Overlaps(start, end)
                : kvm.Attributes.TryGet(start, out var hit) && hit.Value == r.Attributes && hit.Start <= start && hit.End >= end;
            if (unchanged) return;

            for (int space = 0; space < SimKvm.AddressSpaces; space++)
                foreach (var s in kvm.GfnSpace[space].Within(start, end))
                {
                    var slot = s.Value;
                    Zap(kvm, slot, System.Math.Max(start, slot.BaseGfn), System.Math.Min(end, slot.EndGfn), InvalidationCause.Attributes);
                }
            if (r.Attributes == MemoryAttributes.None) kvm.Attributes.Clear(start, end);
            else kvm.Attributes.Set(start, end, r.Attributes);
            Emit(new AttributesChanged(kvm.Id, start, end, r.Attributes));
        }

        private static bool IsPrivate(SimKvm kvm, ulong gfn) =>
            kvm.Attributes.TryGet(gfn, out var hit) && (hit.Value & MemoryAttributes.Private) != 0;
    }
}
