using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemKvmVfioDevice: KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO) on a VM; the device fd pins the VM (seed E; simulator only).</summary>
    [Cmdlet(VerbsCommon.New, "GmemKvmVfioDevice", SupportsShouldProcess = true)]
    [OutputType(typeof(LabKvmVfioDevice))]
    public sealed class NewGmemKvmVfioDeviceCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        protected override void ProcessRecord()
        {
            var vm = Vm;
            if (!ShouldProcess(Targets.Of(vm), "Create a kvm-vfio device (KVM_CREATE_DEVICE, KVM_DEV_TYPE_VFIO)")) return;
            var device = Produce(vm, lab => lab.CreateKvmVfioDevice(vm));
            if (device != null) WriteObject(device);
        }
    }
}
