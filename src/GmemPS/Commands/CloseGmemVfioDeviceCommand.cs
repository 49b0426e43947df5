using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Close-GmemVfioDevice: closes VFIO device fds; the close puts the VM reference the open took (seed E).</summary>
    [Cmdlet(VerbsCommon.Close, "GmemVfioDevice", SupportsShouldProcess = true)]
    [OutputType(typeof(LabVfioDevice))]
    public sealed class CloseGmemVfioDeviceCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabVfioDevice))]
        [ArgumentCompleter(typeof(VfioDeviceIdCompleter))]
        public LabVfioDevice[] Device { get; set; } = Array.Empty<LabVfioDevice>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var device in Device)
            {
                if (!ShouldProcess($"{device.Id} (VFIO group {device.Group}, fd {device.Fd})", "Close the VFIO device")) continue;
                if (Perform(device, lab => lab.CloseVfioDevice(device)) && PassThru) WriteObject(device);
            }
        }
    }
}
