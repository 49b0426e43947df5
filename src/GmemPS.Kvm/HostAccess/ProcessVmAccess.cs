using System;
using GmemPS.Kernel;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm.HostAccess
{
    /// <summary>
    /// process_vm_readv/writev on our own pid. The kernel pins the pages with get_user_pages; a fault it
    /// cannot satisfy ends the copy early and, if nothing was copied, fails with EFAULT. No descriptor is
    /// held, so this object has nothing to close.
    /// </summary>
    internal sealed unsafe class ProcessVmAccess : IFaultSafeMemory
    {
        private readonly int pid = Libc.getpid();

        public Errno Read(ulong address, byte[] destination, int count)
        {
            fixed (byte* buffer = destination)
            {
                int done = 0;
                while (done < count)
                {
                    var local = new IoVec { Base = (IntPtr)(buffer + done), Length = (nuint)(count - done) };
                    var remote = new IoVec { Base = (IntPtr)(long)(address + (ulong)done), Length = (nuint)(count - done) };
                    nint n = Libc.process_vm_readv(pid, &local, 1, &remote, 1, 0);
                    if (n < 0) return Errors.Last();
                    if (n == 0) return Errno.EFAULT;
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
                    var local = new IoVec { Base = (IntPtr)(buffer + done), Length = (nuint)(count - done) };
                    var remote = new IoVec { Base = (IntPtr)(long)(address + (ulong)done), Length = (nuint)(count - done) };
                    nint n = Libc.process_vm_writev(pid, &local, 1, &remote, 1, 0);
                    if (n < 0) return Errors.Last();
                    if (n == 0) return Errno.EFAULT;
                    done += (int)n;
                }
            }
            return Errno.None;
        }
    }
}
