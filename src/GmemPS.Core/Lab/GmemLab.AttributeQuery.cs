using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    public sealed partial class GmemLab
    {
        /// <summary>
        /// [gpa, gpa+size) cut into ranges by the attributes the lab set: what it made private, and the shared
        /// gaps between (everything is shared until set otherwise). The range ends at 2^64 if it would wrap.
        /// </summary>
        public IReadOnlyList<AttributeRange> AttributesIn(LabVm vm, ulong gpa, ulong size)
        {
            var result = new List<AttributeRange>();
            if (size == 0) return result;
            ulong end = gpa + size < gpa ? ulong.MaxValue : gpa + size;
            ulong at = gpa;
            foreach (var range in Attributes(vm))
            {
                ulong rangeEnd = range.Gpa + range.Size;
                if (rangeEnd <= at || range.Gpa >= end) continue;
                ulong start = range.Gpa > at ? range.Gpa : at;
                if (start > at) result.Add(new AttributeRange(vm, at, start - at, MemoryAttributes.None));
                ulong stop = rangeEnd < end ? rangeEnd : end;
                result.Add(new AttributeRange(vm, start, stop - start, range.Attributes));
                at = stop;
            }
            if (at < end) result.Add(new AttributeRange(vm, at, end - at, MemoryAttributes.None));
            return result;
        }
    }
}
