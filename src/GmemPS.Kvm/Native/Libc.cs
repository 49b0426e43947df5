using System;
using System.Runtime.InteropServices;
using GmemPS.Kvm.Handles;

namespace GmemPS.Kvm.Native
{
    /// <summary>
    /// The libc entry points the backend calls, declared straight against libc with SetLastError so
    /// <see cref="Errors.Last"/> reads the kernel's errno. Mono.Posix is not used here on purpose: its
    /// open/mmap/fstat and its errno translation go through the native MonoPosixHelper library, which a
    /// PowerShell host does not reliably resolve, and every call would pay a translation on the hot path.
    /// All arguments are blittable, so a call costs one transition and no allocation.
    /// </summary>
    internal static unsafe class Libc
    {
        private const string Lib = "libc";

        // open(2) flags (x86_64 values).
        public const int O_RDWR = 0x0002;
        public const int O_CLOEXEC = 0x80000;

        // mmap(2) protections and flags.
        public const int PROT_READ = 0x1;
        public const int PROT_WRITE = 0x2;
        public const int MAP_SHARED = 0x01;
        public const int MAP_PRIVATE = 0x02;
        public const int MAP_ANONYMOUS = 0x20;
        public static readonly IntPtr MAP_FAILED = new IntPtr(-1);

        // syscall(2) numbers (x86_64) for calls that older glibc does not export.
        public const long SYS_fstat = 5;

        [DllImport(Lib, SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

        [DllImport(Lib, SetLastError = true)]
        public static extern int close(int fd);

        /// <summary>ioctl with an integer argument (KVM_CHECK_EXTENSION, KVM_CREATE_VM, KVM_CREATE_VCPU).</summary>
        [DllImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
        public static extern int ioctl(FileDescriptorHandle fd, nuint request, nuint argument);

        /// <summary>ioctl with a pointer to a struct the caller laid out.</summary>
        [DllImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
        public static extern int ioctl(FileDescriptorHandle fd, nuint request, void* argument);

        [DllImport(Lib, SetLastError = true)]
        public static extern int fallocate(FileDescriptorHandle fd, int mode, long offset, long length);

        [DllImport(Lib, SetLastError = true)]
        public static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, FileDescriptorHandle fd, long offset);

        /// <summary>mmap without a file (MAP_ANONYMOUS passes fd -1).</summary>
        [DllImport(Lib, EntryPoint = "mmap", SetLastError = true)]
        public static extern IntPtr mmapAnonymous(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

        [DllImport(Lib, SetLastError = true)]
        public static extern int munmap(IntPtr address, nuint length);

        [DllImport(Lib, SetLastError = true)]
        public static extern int mincore(IntPtr address, nuint length, byte* vector);

        [DllImport(Lib, SetLastError = true)]
        public static extern nint read(FileDescriptorHandle fd, byte* buffer, nuint count);

        [DllImport(Lib, SetLastError = true)]
        public static extern nint write(FileDescriptorHandle fd, byte* buffer, nuint count);

        [DllImport(Lib, EntryPoint = "pread64", SetLastError = true)]
        public static extern nint pread(FileDescriptorHandle fd, byte* buffer, nuint count, long offset);

        [DllImport(Lib, EntryPoint = "pwrite64", SetLastError = true)]
        public static extern nint pwrite(FileDescriptorHandle fd, byte* buffer, nuint count, long offset);

        [DllImport(Lib, EntryPoint = "ftruncate64", SetLastError = true)]
        public static extern int ftruncate(FileDescriptorHandle fd, long length);

        /// <summary>fstat through syscall(2): glibc before 2.33 exports no fstat symbol.</summary>
        [DllImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        public static extern long syscall_fstat(long number, FileDescriptorHandle fd, byte* statBuffer);

        [DllImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        public static extern long syscall_fstat_raw(long number, int fd, byte* statBuffer);

        [DllImport(Lib, SetLastError = true)]
        public static extern int getpid();

        [DllImport(Lib, SetLastError = true)]
        public static extern nint process_vm_readv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

        [DllImport(Lib, SetLastError = true)]
        public static extern nint process_vm_writev(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public IntPtr Base;
        public nuint Length;
    }
}
