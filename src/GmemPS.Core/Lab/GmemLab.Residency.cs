using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Which pages of a file the kernel holds. guest_memfd has no SEEK_DATA/SEEK_HOLE (lseek is ESPIPE for every
    // whence on Linux 6.18, measured), so the one upstream answer is mincore(2) on a MAP_SHARED mapping of a file
    // created with MMAP. The Kvm backend asks the kernel; the simulator models its answer.
    public sealed partial class GmemLab
    {
        /// <summary>
        /// mmap(MAP_SHARED) of [offset, offset+length), mincore(2), munmap, as runs of resident and absent pages. An
        /// observation, like the Get- queries: no step is recorded. The range must be page-aligned and inside the
        /// file (else <see cref="ArgumentRefused"/>, before any kernel call); a file without MMAP gets the kernel's
        /// mmap refusal.
        /// </summary>
        public IReadOnlyList<LabPageResidency> SelectResidency(LabFile file, long offset, long length)
        {
            lock (gate)
            {
                ThrowIfDisposed();
                Own(file);
                if (offset < 0 || length <= 0 || offset % KvmLimits.PageSize != 0 || length % KvmLimits.PageSize != 0 || length > file.Size - offset)
                    throw new GmemLabException(ArgumentRefused,
                        $"[{Hex.Signed(offset)}, +{Hex.Signed(length)}) is not a page-aligned range of {file.Id} ({Hex.Size((ulong)file.Size)}): mincore(2) reports whole pages of the file.", file);
                bool[] pages;
                using (var mapping = file.Handle.Map(new MapRequest(offset, length, Shared: true)))
                    pages = mapping.Residency();
                var runs = new List<LabPageResidency>();
                for (int first = 0; first < pages.Length;)
                {
                    int end = first + 1;
                    while (end < pages.Length && pages[end] == pages[first]) end++;
                    runs.Add(new LabPageResidency(file, offset + first * KvmLimits.PageSize, (end - first) * KvmLimits.PageSize, pages[first]));
                    first = end;
                }
                return runs;
            }
        }
    }

    /// <summary>
    /// A run of pages of a guest_memfd that the kernel holds (Resident: in the page cache and up to date - faulted in
    /// by the host or the guest since the last punch) or not (a hole, a punched page, or one fallocate only allocated).
    /// </summary>
    public sealed class LabPageResidency
    {
        internal LabPageResidency(LabFile file, long offset, long length, bool resident)
        {
            File = file;
            Offset = offset;
            Length = length;
            Resident = resident;
        }

        public LabFile File { get; }
        public long Offset { get; }
        public long Length { get; }
        public bool Resident { get; }

        public override string ToString() => $"{File.Id} [{Hex.Address((ulong)Offset)}, +{Hex.Size((ulong)Length)}) {(Resident ? "resident" : "absent")}";
    }
}
