using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Seed E: the kvm-vfio device, VFIO devices, the work queue of kvm_put_kvm_async, and rmmod kvm.
    public sealed partial class GmemLab
    {
        private readonly List<LabKvmVfioDevice> kvmVfioDevices = new List<LabKvmVfioDevice>();
        private readonly List<LabVfioDevice> vfioDevices = new List<LabVfioDevice>();

        private IDesignAwareHost DesignHostOf(BackendKind backend, string? profile) =>
            Host(backend, profile) as IDesignAwareHost
            ?? throw new GmemLabException("GmemDesignNotOnKvm", $"The {backend} backend runs upstream Linux only: VFIO devices are modelled on the Simulator backend.", backend);

        public LabKvmVfioDevice CreateKvmVfioDevice(LabVm vm) =>
            Record("CreateKvmVfioDevice", Args(("Vm", vm.Id)), () =>
            {
                Own(vm);
                var device = new LabKvmVfioDevice(this, $"kvmvfio{kvmVfioDevices.Count}", vm, DesignVm(vm).CreateKvmVfioDevice());
                kvmVfioDevices.Add(device);
                return device;
            }, d => d.Id);

        /// <summary>Opens a VFIO device in a new group added to the kvm-vfio device (KVM_DEV_VFIO_FILE_ADD).</summary>
        public LabVfioDevice OpenVfioDevice(LabKvmVfioDevice kvmVfio) =>
            Record("OpenVfioDevice", Args(("KvmVfioDevice", kvmVfio.Id)), () =>
            {
                Own(kvmVfio);
                var vm = kvmVfio.VmObject;
                var device = new LabVfioDevice(this, $"vfio{vfioDevices.Count}", vm.Backend, vm.Profile, vm, kvmVfio.Handle.OpenVfioDevice());
                vfioDevices.Add(device);
                return device;
            }, d => d.Id);

        /// <summary>Opens another VFIO device in the group of <paramref name="sibling"/>: the group's kvm pointer decides its VM.</summary>
        public LabVfioDevice OpenVfioDeviceInGroupOf(LabVfioDevice sibling) =>
            Record("OpenVfioDevice", Args(("Group", sibling.Group), ("Sibling", sibling.Id)), () =>
            {
                Own(sibling);
                var handle = DesignHostOf(sibling.Backend, sibling.Profile).OpenVfioDevice(sibling.Group);
                var device = new LabVfioDevice(this, $"vfio{vfioDevices.Count}", sibling.Backend, sibling.Profile, null, handle);
                vfioDevices.Add(device);
                return device;
            }, d => d.Id);

        public void CloseKvmVfioDevice(LabKvmVfioDevice device) =>
            Record("CloseKvmVfioDevice", Args(("KvmVfioDevice", device.Id)), () =>
            {
                Own(device);
                device.Handle.Close();
                device.State = LabObjectState.Closed;
                return true;
            }, _ => null);

        public void CloseVfioDevice(LabVfioDevice device) =>
            Record("CloseVfioDevice", Args(("Device", device.Id)), () =>
            {
                Own(device);
                device.Handle.Close();
                device.State = LabObjectState.Closed;
                return true;
            }, _ => null);

        /// <summary>Runs the host's queued work items (deferred VM destroys); returns how many ran.</summary>
        public int RunWorkQueue(BackendKind backend, string? profile) =>
            Record("RunWorkQueue", Args(("Backend", backend), ("Profile", profile)), () => DesignHostOf(backend, profile).RunWorkQueue(), n => (long)n);

        /// <summary>Tries delete_module("kvm") on a simulated host: what pins the module, if anything.</summary>
        public LabModuleUnload TryUnloadKvmModule(BackendKind backend, string? profile) =>
            Record("UnloadKvmModule", Args(("Backend", backend), ("Profile", profile)), () =>
            {
                var host = DesignHostOf(backend, profile);
                try
                {
                    host.UnloadKvmModule();
                    return new LabModuleUnload(backend, profile, null);
                }
                catch (GmemException e) when (e.Rule.Id == KernelRules.KvmModuleInUse.Id)
                {
                    return new LabModuleUnload(backend, profile, e.Detail);
                }
            }, r => r.ToString());
    }
}
