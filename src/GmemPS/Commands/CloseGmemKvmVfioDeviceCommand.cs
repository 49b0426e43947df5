using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Close-GmemKvmVfioDevice: closes kvm-vfio device fds; upstream's .release clears group->kvm here (seed E).</summary>
    [Cmdlet(VerbsCommon.Close, "GmemKvmVfioDevice", SupportsShouldProcess = true)]
    [OutputType(typeof(LabKvmVfioDevice))]
    public sealed class CloseGmemKvmVfioDeviceCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabKvmVfioDevice))]
        [ArgumentCompleter(typeof(KvmVfioDeviceIdCompleter))]
        public LabKvmVfioDevice[] KvmVfioDevice { get; set; } = Array.Empty<LabKvmVfioDevice>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var device in KvmVfioDevice)
            {
                if (!ShouldProcess($"{device.Id} of {device.Vm.Id} (fd {device.Fd})", "Close the kvm-vfio device")) continue;
                if (Perform(device, lab => lab.CloseKvmVfioDevice(device)) && PassThru) WriteObject(device);
            }
        }
    }
}
