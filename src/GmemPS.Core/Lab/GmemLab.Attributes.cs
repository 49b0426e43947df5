using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    /// <summary>A gpa range with the memory attributes the lab last set on it.</summary>
    public sealed record AttributeRange(LabVm Vm, ulong Gpa, ulong Size, MemoryAttributes Attributes)
    {
        public string State => (Attributes & MemoryAttributes.Private) != 0 ? "Private" : "Shared";
    }

    // The kernel has no GET for memory attributes (§2.7): userspace must remember what it set. The lab
    // does, per VM, from the requests the kernel accepted.
    public sealed partial class GmemLab
    {
        private readonly Dictionary<LabVm, SortedDictionary<ulong, (ulong End, MemoryAttributes Attributes)>> attributes =
            new Dictionary<LabVm, SortedDictionary<ulong, (ulong End, MemoryAttributes Attributes)>>();

        /// <summary>The non-shared ranges the lab has set on a VM (everything else is shared), in gpa order.</summary>
        public IReadOnlyList<AttributeRange> Attributes(LabVm vm)
        {
            lock (gate)
            {
                if (!attributes.TryGetValue(vm, out var map)) return new List<AttributeRange>();
                return map.Select(kv => new AttributeRange(vm, kv.Key, kv.Value.End - kv.Key, kv.Value.Attributes)).ToList();
            }
        }

        private void TrackAttributes(LabVm vm, MemoryAttributesRequest request)
        {
            if (!attributes.TryGetValue(vm, out var map))
                attributes[vm] = map = new SortedDictionary<ulong, (ulong End, MemoryAttributes Attributes)>();
            ulong start = request.Address, end = request.Address + request.Size;
            // Cut the new range out of every stored range it touches, then store it unless it is "shared".
            foreach (var kv in map.Where(kv => kv.Key < end && kv.Value.End > start).ToList())
            {
                map.Remove(kv.Key);
                if (kv.Key < start) map[kv.Key] = (start, kv.Value.Attributes);
                if (kv.Value.End > end) map[end] = (kv.Value.End, kv.Value.Attributes);
            }
            if (request.Attributes != MemoryAttributes.None) map[start] = (end, request.Attributes);
        }
    }
}
