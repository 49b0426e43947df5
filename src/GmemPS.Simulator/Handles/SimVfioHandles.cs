using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator.Handles
{
    /// <summary>A kvm-vfio device descriptor of the simulated process (seed E).</summary>
    internal sealed class SimKvmVfioDeviceHandle : SimDescriptor, IKvmVfioDevice
    {
        private readonly SimKvmVfioDevice device;

        public SimKvmVfioDeviceHandle(SimKernel kernel, SimKvmVfioDevice device, int fd) : base(kernel, fd, "kvm-vfio device")
        {
            this.device = device;
        }

        public IVfioDevice OpenVfioDevice()
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.VfioDeviceOpen);
                var (vfio, fd) = Kernel.OpenVfioDevice(device);
                return new SimVfioDeviceHandle(Kernel, vfio, fd);
            }
        }
    }

    /// <summary>A VFIO device descriptor of the simulated process (seed E).</summary>
    internal sealed class SimVfioDeviceHandle : SimDescriptor, IVfioDevice
    {
        private readonly SimVfioDevice device;

        public SimVfioDeviceHandle(SimKernel kernel, SimVfioDevice device, int fd) : base(kernel, fd, "VFIO device")
        {
            this.device = device;
        }

        public int Id => device.Id;
        public int Group => device.Group.Number;
    }
}
