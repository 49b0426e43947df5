using System;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm.HostAccess
{
    /// <summary>
    /// pread/pwrite on /proc/self/mem at offset = virtual address. A page the fault handler refuses
    /// (VM_FAULT_SIGBUS) makes access_remote_vm stop; the call returns what it copied, then EIO
    /// (kernel-facts: "Reading the same address through /proc/self/mem returns EIO").
    /// </summary>
    internal sealed unsafe class ProcSelfMemAccess : IFaultSafeMemory, IDisposable
    {
        private readonly FileDescriptorHandle mem;

        private ProcSelfMemAccess(FileDescriptorHandle mem) { this.mem = mem; }

        public static ProcSelfMemAccess Open()
        {
            int fd = Libc.open("/proc/self/mem", Libc.O_RDWR | Libc.O_CLOEXEC);
            if (fd < 0) throw new GmemEnvironmentException("ProcSelfMemUnavailable",
                $"/proc/self/mem cannot be opened read-write ({Errors.Last()}); fault-safe host access needs it.", Errors.Last());
            return new ProcSelfMemAccess(new FileDescriptorHandle(fd));
        }

        public Errno Read(ulong address, byte[] destination, int count)
        {
            fixed (byte* buffer = destination)
            {
                int done = 0;
                while (done < count)
                {
                    nint n = Libc.pread(mem, buffer + done, (nuint)(count - done), (long)address + done);
                    if (n < 0) return Errors.Last();
                    if (n == 0) return Errno.EIO; // nothing more is reachable: treat as the fault it is
                    done += (int)n;
                }
            }
            return Errno.None;
        }

        public Errno Write(ulong address, byte[] source, int count)
        {
            fixed (byte* buffer = source)
            {
                int done = 0;
                while (done < count)
                {
                    nint n = Libc.pwrite(mem, buffer + done, (nuint)(count - done), (long)address + done);
                    if (n < 0) return Errors.Last();
                    if (n == 0) return Errno.EIO;
                    done += (int)n;
                }
            }
            return Errno.None;
        }

        public void Dispose() => mem.Dispose();
    }
}
