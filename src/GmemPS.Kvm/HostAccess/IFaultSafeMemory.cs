using GmemPS.Kernel;

namespace GmemPS.Kvm.HostAccess
{
    /// <summary>
    /// Copies between this process's own memory and a managed buffer without ever touching the address
    /// directly: the kernel walks the page tables for us (get_user_pages), so a page that would raise SIGBUS
    /// (guest_memfd without INIT_SHARED, or beyond EOF) comes back as an errno instead of killing the process.
    /// </summary>
    internal interface IFaultSafeMemory
    {
        /// <summary>Reads <paramref name="count"/> bytes at <paramref name="address"/>; Errno.None when all arrived.</summary>
        Errno Read(ulong address, byte[] destination, int count);

        /// <summary>Writes <paramref name="count"/> bytes at <paramref name="address"/>; Errno.None when all landed.</summary>
        Errno Write(ulong address, byte[] source, int count);
    }
}
