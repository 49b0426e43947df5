using System;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>
    /// The contract's own rule for guest access (not a kernel rule): one access of 1 to 4096 bytes that stays
    /// within one guest page, so a fault names exactly one gfn on both backends.
    /// </summary>
    public static class GuestAccessBounds
    {
        public static void Check(ulong gpa, int length)
        {
            if (length <= 0 || length > KvmLimits.PageSize)
                throw new ArgumentOutOfRangeException(nameof(length), length, "A guest access reads or writes 1 to 4096 bytes.");
            ulong offsetInPage = gpa & (ulong)(KvmLimits.PageSize - 1);
            if (offsetInPage + (ulong)length > (ulong)KvmLimits.PageSize)
                throw new ArgumentException(
                    $"A guest access must stay within one 4 KiB page: {Hex.Address(gpa)} + {length} bytes crosses a page boundary.", nameof(gpa));
        }
    }
}
