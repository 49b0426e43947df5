using GmemPS.Kernel;
using GmemPS.Kvm.Handles;

namespace GmemPS.Kvm.Native
{
    /// <summary>The two fields of struct stat (x86_64, 144B) GmemPS reads: st_ino @8 and st_size @48.</summary>
    internal readonly unsafe struct FileStatus
    {
        private const int StatSize = 144;
        private const int InodeOffset = 8;
        private const int SizeOffset = 48;

        private FileStatus(long inode, long size)
        {
            Inode = inode;
            Size = size;
        }

        public long Inode { get; }
        public long Size { get; }

        /// <summary>fstat(2) of a descriptor we own; a failure here is the kernel's, with its errno.</summary>
        public static FileStatus Of(FileDescriptorHandle fd)
        {
            byte* buffer = stackalloc byte[StatSize];
            if (Libc.syscall_fstat(Libc.SYS_fstat, fd, buffer) != 0)
                throw Errors.LastRefused(KernelOperation.CreateGuestMemfd, $"fstat(fd {fd.Number})");
            return new FileStatus(*(long*)(buffer + InodeOffset), *(long*)(buffer + SizeOffset));
        }

        /// <summary>st_ino of a descriptor the caller passed by number (not ours), or -1 if it cannot be read.</summary>
        public static long InodeOfRaw(int fd)
        {
            byte* buffer = stackalloc byte[StatSize];
            return Libc.syscall_fstat_raw(Libc.SYS_fstat, fd, buffer) == 0 ? *(long*)(buffer + InodeOffset) : -1;
        }
    }
}
