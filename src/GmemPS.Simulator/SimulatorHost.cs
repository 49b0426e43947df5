using System;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Handles;

namespace GmemPS.Simulator
{
    /// <summary>The simulated /dev/kvm of one simulated process.</summary>
    public sealed class SimulatorHost : IDesignAwareHost, ISelfCheckingHost
    {
        public SimulatorHost(SimulatorProfile? profile = null)
        {
            Profile = profile ?? SimulatorProfile.ThisHost;
            Kernel = new SimKernel(Profile);
        }

        public SimulatorProfile Profile { get; }
        internal SimKernel Kernel { get; }
        public string BackendName => "Simulator";
        public int Fd => SimKernel.KvmDeviceFd;
        public EventLog Events => Kernel.Events;

        public long CheckExtension(Capability capability)
        {
            using (Kernel.Enter()) return Kernel.CheckExtension(capability, null);
        }

        public IGmemVm CreateVm(ulong type) => CreateVm(type, DesignPolicies.Upstream);

        public IGmemVm CreateVm(ulong type, DesignPolicies designs)
        {
            using (Kernel.Enter())
            {
                var (kvm, fd) = Kernel.CreateVm(type, designs);
                return new SimVmHandle(Kernel, kvm, fd);
            }
        }

        public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request, DesignPolicies designs)
        {
            using (Kernel.Enter())
            {
                var (file, fd) = Kernel.CreateSystemGuestMemfd(request, designs);
                return new SimGuestMemfdHandle(Kernel, file, fd);
            }
        }

        public IMemfd CreateMemfd(ulong size)
        {
            using (Kernel.Enter())
            {
                var (memfd, fd) = Kernel.CreateMemfd(size);
                return new SimMemfdHandle(Kernel, memfd, fd);
            }
        }

        public IVfioDevice OpenVfioDevice(int group)
        {
            using (Kernel.Enter())
            {
                var (device, fd) = Kernel.OpenVfioDevice(group);
                return new SimVfioDeviceHandle(Kernel, device, fd);
            }
        }

        public int RunWorkQueue()
        {
            using (Kernel.Enter()) return Kernel.RunWorkQueue();
        }

        public void UnloadKvmModule()
        {
            using (Kernel.Enter()) Kernel.UnloadKvmModule();
        }

        public IHostMapping MapAnonymous(long length)
        {
            using (Kernel.Enter()) return new SimMapping(Kernel, Kernel.MapAnonymous(length));
        }

        /// <summary>Checks every invariant of the model; throws InvalidOperationException naming the first broken one.</summary>
        public void CheckInvariants()
        {
            using (Kernel.Enter()) SimInvariants.Check(Kernel);
        }

        public void Dispose() { }
    }
}
