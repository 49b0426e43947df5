using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A guest_memfd file descriptor of the simulated process.</summary>
    internal sealed class SimGuestMemfdHandle : SimDescriptor, IDesignGuestMemfd
    {
        private readonly SimGmemFile file;

        public SimGuestMemfdHandle(SimKernel kernel, SimGmemFile file, int fd) : base(kernel, fd, "guest_memfd")
        {
            this.file = file;
        }

        /// <summary>The file behind the descriptor, for a design ioctl that takes a guest_memfd (EBADF once closed).</summary>
        internal SimGmemFile OpenFile(KernelOperation operation)
        {
            EnsureOpen(operation);
            return file;
        }

        internal bool IsOf(SimKernel kernel) => ReferenceEquals(Kernel, kernel);

        public long Size => (long)file.Inode.Size;
        public GuestMemfdFlags Flags => file.Inode.Flags;
        public long Inode => file.Inode.Number;

        public void Fallocate(FallocateRequest request)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.Fallocate);
                Kernel.Fallocate(file, request);
            }
        }

        public IHostMapping Map(MapRequest request)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.Mmap);
                return new SimMapping(Kernel, Kernel.Map(file, request));
            }
        }

        public int Read(int count)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileRead);
                return SimKernel.RefuseRead($"guest_memfd {Fd}, {count} bytes");
            }
        }

        public int Write(byte[] data)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileWrite);
                return SimKernel.RefuseWrite($"guest_memfd {Fd}, {data.Length} bytes");
            }
        }

        public int Pread(int count, long offset)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.FilePread);
                return SimKernel.RefusePread($"guest_memfd {Fd}, {count} bytes at {Hex.Signed(offset)}", offset);
            }
        }

        public void Truncate(long length)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.FileTruncate);
                SimKernel.RefuseTruncate($"guest_memfd {Fd} to {Hex.Signed(length)}");
            }
        }

        public void Convert(ConvertRequest request)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.SetMemoryAttributes2);
                Kernel.Convert(file, request);
            }
        }

        public IHostReference Reference(long offset, long length, HostReferenceKind kind)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.HostReference);
                return new SimHostReferenceHandle(Kernel, Kernel.TakeHostReference(file, offset, length, kind));
            }
        }

        public void DropHostMappings(long offset, long length)
        {
            lock (Kernel.Gate)
            {
                EnsureOpen(KernelOperation.Madvise);
                Kernel.DropHostMappings(file, offset, length);
            }
        }

        public IReadOnlyList<PageStateRange> PageStates(long offset, long length)
        {
            lock (Kernel.Gate) return Kernel.PageStates(file, offset, length);
        }
    }

    /// <summary>A host reference of the simulated process (it outlives the descriptor it was taken through).</summary>
    internal sealed class SimHostReferenceHandle : IHostReference
    {
        private readonly SimKernel kernel;
        private readonly SimHostReference reference;

        public SimHostReferenceHandle(SimKernel kernel, SimHostReference reference)
        {
            this.kernel = kernel;
            this.reference = reference;
        }

        public bool IsReleased => reference.Released;

        public void Release()
        {
            lock (kernel.Gate) kernel.ReleaseHostReference(reference);
        }
    }
}
