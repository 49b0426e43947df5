using System;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>
    /// The contract's own rules for guest access (not kernel rules), one validator for both backends: one access
    /// of 1 to 4096 bytes that stays within one guest page, so a fault names exactly one gfn; and a gpa the vCPU
    /// can address at all (each host says its own width: the Kvm backend reads MAXPHYADDR from KVM_GET_SUPPORTED_CPUID,
    /// a simulator profile models one).
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

        /// <summary>
        /// A vCPU's page tables cannot name a gpa at or above 2^<paramref name="physicalAddressBits"/> (the bits above
        /// MAXPHYADDR are reserved), so no guest instruction can touch it: refused, not run.
        /// </summary>
        public static void CheckAddressWidth(ulong gpa, int physicalAddressBits)
        {
            if (physicalAddressBits < 64 && gpa >> physicalAddressBits != 0)
                throw new ArgumentOutOfRangeException(nameof(gpa), gpa,
                    $"A guest access reaches gpas below 2^{physicalAddressBits} (the vCPU's MAXPHYADDR); {Hex.Address(gpa)} is beyond it.");
        }
    }
}
