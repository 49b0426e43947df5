using System;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A VM file descriptor of the simulated process.</summary>
    internal sealed class SimVmHandle : SimDescriptor, IDesignVm
    {
        private readonly SimKvm kvm;

        public SimVmHandle(SimKernel kernel, SimKvm kvm, int fd) : base(kernel, fd, "vm fd")
        {
            this.kvm = kvm;
        }

        public ulong Type => kvm.Type;
        public DesignPolicies Designs => kvm.Designs;

        public long CheckExtension(Capability capability)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.CheckExtension);
                return Kernel.CheckExtension(capability, kvm);
            }
        }

        public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.CreateGuestMemfd);
                var (file, fd) = Kernel.CreateGuestMemfd(kvm, request);
                return new SimGuestMemfdHandle(Kernel, file, fd);
            }
        }

        public IGuestMemfd LinkGuestMemfd(IGuestMemfd source)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.LinkGuestMemfd);
                if (!(source is SimGuestMemfdHandle handle) || !handle.IsOf(Kernel))
                    throw new GmemException(KernelOperation.LinkGuestMemfd, KernelRules.GmemLinkSourceInvalid, source, "not a guest_memfd of this process");
                var (file, fd) = Kernel.LinkGuestMemfd(kvm, handle.OpenFile(KernelOperation.LinkGuestMemfd));
                return new SimGuestMemfdHandle(Kernel, file, fd);
            }
        }

        public IGuestFault StartGuestFault(ulong gpa)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.GuestFault);
                return new SimGuestFaultHandle(Kernel, Kernel.StartGuestFault(kvm, gpa));
            }
        }

        public IKvmVfioDevice CreateKvmVfioDevice()
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.CreateKvmVfioDevice);
                var (device, fd) = Kernel.CreateKvmVfioDevice(kvm);
                return new SimKvmVfioDeviceHandle(Kernel, device, fd);
            }
        }

        public void SetUserMemoryRegion2(UserMemoryRegion2 request)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.SetUserMemoryRegion2);
                Kernel.SetUserMemoryRegion2(kvm, request);
            }
        }

        public void SetMemoryAttributes(MemoryAttributesRequest request)
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.SetMemoryAttributes);
                Kernel.SetMemoryAttributes(kvm, request);
            }
        }

        public GuestAccessResult GuestRead(ulong gpa, int length)
        {
            GuestAccessBounds.Check(gpa, length);
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.GuestAccess);
                GuestAccessBounds.CheckAddressWidth(gpa, Kernel.Profile.GuestPhysicalAddressBits);
                return Kernel.GuestAccess(kvm, gpa, new byte[length], write: false);
            }
        }

        public GuestAccessResult GuestWrite(ulong gpa, byte[] data)
        {
            GuestAccessBounds.Check(gpa, data.Length);
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.GuestAccess);
                GuestAccessBounds.CheckAddressWidth(gpa, Kernel.Profile.GuestPhysicalAddressBits);
                return Kernel.GuestAccess(kvm, gpa, (byte[])data.Clone(), write: true);
            }
        }
    }
}
