using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Remove-GmemVm: closes the VM file descriptor. The kernel VM lives on while a guest_memfd of it is open.</summary>
    [Cmdlet(VerbsCommon.Remove, "GmemVm", SupportsShouldProcess = true)]
    [OutputType(typeof(LabVm))]
    public sealed class RemoveGmemVmCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm[] Vm { get; set; } = Array.Empty<LabVm>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var vm in Vm)
            {
                if (!ShouldProcess(Targets.Of(vm), "Close the VM file descriptor")) continue;
                if (Perform(vm, lab => lab.CloseVm(vm)) && PassThru) WriteObject(vm);
            }
        }
    }
}
