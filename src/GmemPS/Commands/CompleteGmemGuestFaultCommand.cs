using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Complete-GmemGuestFault: KVM installs the SEPT entry of a started fault and unlocks the page (put_unlock_pfn);
    /// a truncate that waited on the lock then runs (seed C).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "GmemGuestFault", SupportsShouldProcess = true)]
    [OutputType(typeof(LabGuestFault))]
    public sealed class CompleteGmemGuestFaultCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabGuestFault))]
        [ArgumentCompleter(typeof(GuestFaultIdCompleter))]
        public LabGuestFault[] Fault { get; set; } = Array.Empty<LabGuestFault>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var fault in Fault)
            {
                if (!ShouldProcess($"{fault.Id} ({fault.Vm.Id} gpa {Hex.Address(fault.Gpa)})", "Install the SEPT entry and unlock the page")) continue;
                if (Perform(fault, lab => lab.CompleteGuestFault(fault)) && PassThru) WriteObject(fault);
            }
        }
    }
}
