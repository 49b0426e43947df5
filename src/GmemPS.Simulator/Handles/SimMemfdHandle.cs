using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A memfd descriptor of the simulated process (seed C).</summary>
    internal sealed class SimMemfdHandle : SimDescriptor, IMemfd
    {
        private readonly SimMemfd memfd;

        public SimMemfdHandle(SimKernel kernel, SimMemfd memfd, int fd) : base(kernel, fd, "memfd")
        {
            this.memfd = memfd;
        }

        public long Inode => memfd.Number;
        public ulong Size => memfd.Store.Size;
        public bool IsSealed => memfd.Sealed;

        public void SealGuest()
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.MemfdSeal);
                Kernel.SealGuest(memfd);
            }
        }

        public void Write(ulong offset, byte[] data)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.MemfdWrite);
                Kernel.WriteMemfd(memfd, offset, data);
            }
        }

        public void Truncate(ulong size)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.MemfdTruncate);
                Kernel.TruncateMemfd(memfd, size);
            }
        }
    }

    /// <summary>A stepped guest fault (seed C).</summary>
    internal sealed class SimGuestFaultHandle : IGuestFault
    {
        private readonly SimKernel kernel;
        private readonly SimGuestFault fault;

        public SimGuestFaultHandle(SimKernel kernel, SimGuestFault fault)
        {
            this.kernel = kernel;
            this.fault = fault;
        }

        public bool IsCompleted => fault.Completed;

        public void Complete()
        {
            using (kernel.Enter()) kernel.CompleteGuestFault(fault);
        }
    }
}
