using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A guest_memfd file descriptor of the simulated process.</summary>
    internal sealed class SimGuestMemfdHandle : IGuestMemfd
    {
        private readonly SimKernel kernel;
        private readonly SimGmemFile file;

        public SimGuestMemfdHandle(SimKernel kernel, SimGmemFile file, int fd)
        {
            this.kernel = kernel;
            this.file = file;
            Fd = fd;
        }

        public int Fd { get; }
        public long Size => (long)file.Inode.Size;
        public GuestMemfdFlags Flags => file.Inode.Flags;
        public long Inode => file.Inode.Number;
        public bool IsClosed { get; private set; }

        private void EnsureOpen(KernelOperation operation)
        {
            if (IsClosed) throw GmemException.Closed(operation, $"guest_memfd {Fd}");
        }

        public void Fallocate(FallocateRequest request)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.Fallocate);
                kernel.Fallocate(file, request);
            }
        }

        public IHostMapping Map(MapRequest request)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.Mmap);
                return new SimMapping(kernel, kernel.Map(file, request));
            }
        }

        public int Read(int count)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileRead);
                return SimKernel.RefuseRead($"guest_memfd {Fd}, {count} bytes");
            }
        }

        public int Write(byte[] data)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileWrite);
                return SimKernel.RefuseWrite($"guest_memfd {Fd}, {data.Length} bytes");
            }
        }

        public int Pread(int count, long offset)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.FilePread);
                return SimKernel.RefusePread($"guest_memfd {Fd}, {count} bytes at {Hex.Signed(offset)}");
            }
        }

        public void Truncate(long length)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileTruncate);
                SimKernel.RefuseTruncate($"guest_memfd {Fd} to {Hex.Signed(length)}");
            }
        }

        public void Close()
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.Close);
                IsClosed = true;
                kernel.CloseDescriptor(Fd);
            }
        }

        public void Dispose()
        {
            lock (kernel.Gate)
                if (!IsClosed) Close();
        }
    }
}
