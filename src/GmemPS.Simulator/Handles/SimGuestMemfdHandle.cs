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
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.Fallocate);
                Kernel.Fallocate(file, request);
            }
        }

        public IHostMapping Map(MapRequest request)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.Mmap);
                return new SimMapping(Kernel, Kernel.Map(file, request));
            }
        }

        public int Read(int count)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.FileRead);
                return SimKernel.RefuseRead($"guest_memfd {Fd}, {count} bytes");
            }
        }

        public int Write(byte[] data)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.FileWrite);
                return SimKernel.RefuseWrite($"guest_memfd {Fd}, {data.Length} bytes");
            }
        }

        public int Pread(int count, long offset)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.FilePread);
                return SimKernel.RefusePread($"guest_memfd {Fd}, {count} bytes at {Hex.Signed(offset)}", offset);
            }
        }

        public void Truncate(long length)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.FileTruncate);
                SimKernel.RefuseTruncate($"guest_memfd {Fd} to {Hex.Signed(length)}");
            }
        }

        public void Convert(ConvertRequest request)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.SetMemoryAttributes2);
                Kernel.Convert(file, request);
            }
        }

        public IHostReference Reference(long offset, long length, HostReferenceKind kind)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.HostReference);
                return new SimHostReferenceHandle(Kernel, Kernel.TakeHostReference(file, offset, length, kind));
            }
        }

        public void DropHostMappings(long offset, long length)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.Madvise);
                Kernel.DropHostMappings(file, offset, length);
            }
        }

        public IReadOnlyList<PageStateRange> PageStates(long offset, long length)
        {
            using (Kernel.Enter()) return Kernel.PageStates(file, offset, length);
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
            using (kernel.Enter()) kernel.ReleaseHostReference(reference);
        }
    }
}
