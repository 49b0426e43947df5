using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Start-GmemGuestFault: a vCPU faults on a gpa of a sealed-memfd slot (seed C), and the fault stops after KVM looked
    /// the page up (get_lock_pfn, which holds the page lock under -PopulationLock PageLock) and before the SEPT install.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "GmemGuestFault", SupportsShouldProcess = true)]
    [OutputType(typeof(LabGuestFault))]
    public sealed class StartGmemGuestFaultCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        /// <summary>The guest physical address.</summary>
        [Parameter(Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Gpa { get; set; }

        protected override void ProcessRecord()
        {
            var vm = Vm;
            if (!ShouldProcess(Targets.Of(vm), $"Start a guest fault at gpa {Hex.Address(Gpa)}")) return;
            var fault = Produce(vm, lab => lab.StartGuestFault(vm, Gpa));
            if (fault != null) WriteObject(fault);
        }
    }
}
