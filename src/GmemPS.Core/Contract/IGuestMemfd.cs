using System;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>A guest_memfd file descriptor.</summary>
    public interface IGuestMemfd : IDisposable
    {
        int Fd { get; }
        /// <summary>st_size: the size given at creation; it never changes.</summary>
        long Size { get; }
        GuestMemfdFlags Flags { get; }
        bool IsClosed { get; }

        /// <summary>fallocate(2): KEEP_SIZE allocates, KEEP_SIZE|PUNCH_HOLE frees and zeroes.</summary>
        void Fallocate(FallocateRequest request);

        /// <summary>mmap(2) of the file on the host.</summary>
        IHostMapping Map(MapRequest request);

        /// <summary>read(2), write(2), pread(2), ftruncate(2): the kernel refuses each.</summary>
        int Read(int count);
        int Write(byte[] data);
        int Pread(int count, long offset);
        void Truncate(long length);

        /// <summary>close() the fd. A mapping keeps the file alive until it is unmapped.</summary>
        void Close();
    }

    /// <summary>A host mapping (of a guest_memfd or of anonymous memory). Access is fault-safe: a page
    /// the kernel would answer with SIGBUS gives a <see cref="GmemException"/> (EIO), never a signal.</summary>
    public interface IHostMapping : IDisposable
    {
        /// <summary>The host virtual address (usable as a memslot's userspace_addr).</summary>
        ulong Address { get; }
        long Length { get; }
        bool IsUnmapped { get; }

        byte[] Read(long offset, int count);

        /// <summary>Reads destination.Length bytes at offset into a buffer the caller reuses (no allocation per call).</summary>
        void ReadInto(long offset, byte[] destination);
        void Write(long offset, byte[] data);

        /// <summary>munmap(2).</summary>
        void Unmap();

        /// <summary>
        /// mincore(2) over the whole mapping: per page, whether the page is resident. For a MAP_SHARED mapping of a
        /// guest_memfd that is its page-cache folio being present and up to date, which on Linux 6.18 means faulted
        /// in (by the host or the guest) since it was last punched - a page fallocate(2) only allocated is not
        /// (measured: kernel-facts.md). Not meaningful for anonymous memory.
        /// </summary>
        bool[] Residency();
    }
}
