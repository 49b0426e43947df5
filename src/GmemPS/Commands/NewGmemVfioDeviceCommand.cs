using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// New-GmemVfioDevice: opens a VFIO device (seed E): in a new group handed to a kvm-vfio device
    /// (KVM_DEV_VFIO_FILE_ADD), or in the group of an open device. Its open takes a VM reference by the VM's
    /// -VfioRefPolicy. No default parameter set: with one, PowerShell settles on the KvmVfio set before it looks at the
    /// input, and a piped LabVfioDevice never reaches -InGroupOf.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GmemVfioDevice", SupportsShouldProcess = true)]
    [OutputType(typeof(LabVfioDevice))]
    public sealed class NewGmemVfioDeviceCommand : GmemCmdletBase
    {
        private const string KvmVfioSet = "KvmVfio";
        private const string GroupSet = "Group";

        [Parameter(ParameterSetName = KvmVfioSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabKvmVfioDevice))]
        [ArgumentCompleter(typeof(KvmVfioDeviceIdCompleter))]
        public LabKvmVfioDevice KvmVfioDevice { get; set; } = null!;

        /// <summary>An open VFIO device whose group the new device joins.</summary>
        [Parameter(ParameterSetName = GroupSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabVfioDevice))]
        [ArgumentCompleter(typeof(VfioDeviceIdCompleter))]
        public LabVfioDevice InGroupOf { get; set; } = null!;

        protected override void ProcessRecord()
        {
            LabVfioDevice? device;
            if (ParameterSetName == GroupSet)
            {
                var sibling = InGroupOf;
                if (!ShouldProcess($"VFIO group {sibling.Group}", "Open a VFIO device")) return;
                device = Produce(sibling, lab => lab.OpenVfioDeviceInGroupOf(sibling));
            }
            else
            {
                var kvmVfio = KvmVfioDevice;
                if (!ShouldProcess($"{kvmVfio.Id} of {kvmVfio.Vm.Id}", "Open a VFIO device in a new group and add the group (KVM_DEV_VFIO_FILE_ADD)")) return;
                device = Produce(kvmVfio, lab => lab.OpenVfioDevice(kvmVfio));
            }
            if (device != null) WriteObject(device);
        }
    }
}
