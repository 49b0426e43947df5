using System;

namespace GmemPS.Contract
{
    /// <summary>
    /// The contract's own rule for host access through a mapping (not a kernel rule), one validator for both
    /// backends: the bytes lie inside the mapping. A range outside it is the caller's mistake and never reaches
    /// the kernel, where it would touch memory that is not the file's.
    /// </summary>
    public static class HostAccessBounds
    {
        public static void Check(long offset, int count, long mappingLength)
        {
            if (offset < 0 || count < 0 || offset > mappingLength || count > mappingLength - offset)
                throw new ArgumentOutOfRangeException(nameof(offset), offset,
                    $"A host access must lie inside the mapping: [{offset}, {offset + count}) is outside its {mappingLength} bytes.");
        }
    }
}
