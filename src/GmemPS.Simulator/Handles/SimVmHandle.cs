using System;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A VM file descriptor of the simulated process.</summary>
    internal sealed class SimVmHandle : IGmemVm
    {
        private readonly SimKernel kernel;
        private readonly SimKvm kvm;

        public SimVmHandle(SimKernel kernel, SimKvm kvm, int fd)
        {
            this.kernel = kernel;
            this.kvm = kvm;
            Fd = fd;
        }

        public int Fd { get; }
        public ulong Type => kvm.Type;
        public bool IsClosed { get; private set; }

        private void EnsureOpen(KernelOperation operation)
        {
            if (IsClosed) throw GmemException.Closed(operation, $"vm fd {Fd}");
        }

        public long CheckExtension(Capability capability)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.CheckExtension);
                return kernel.CheckExtension(capability, kvm);
            }
        }

        public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.CreateGuestMemfd);
                var (file, fd) = kernel.CreateGuestMemfd(kvm, request);
                return new SimGuestMemfdHandle(kernel, file, fd);
            }
        }

        public void SetUserMemoryRegion2(UserMemoryRegion2 request)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.SetUserMemoryRegion2);
                kernel.SetUserMemoryRegion2(kvm, request);
            }
        }

        public void SetMemoryAttributes(MemoryAttributesRequest request)
        {
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.SetMemoryAttributes);
                kernel.SetMemoryAttributes(kvm, request);
            }
        }

        public GuestAccessResult GuestRead(ulong gpa, int length)
        {
            GuestAccessBounds.Check(gpa, length);
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.GuestAccess);
                return kernel.GuestAccess(kvm, gpa, new byte[length], write: false);
            }
        }

        public GuestAccessResult GuestWrite(ulong gpa, byte[] data)
        {
            GuestAccessBounds.Check(gpa, data.Length);
            lock (kernel.Gate)
            {
                EnsureOpen(KernelOperation.GuestAccess);
                return kernel.GuestAccess(kvm, gpa, (byte[])data.Clone(), write: true);
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
