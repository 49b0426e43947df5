using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Remove-Memslot: deletes a slot (KVM_SET_USER_MEMORY_REGION2 with memory_size 0). The file keeps its pages.</summary>
    [Cmdlet(VerbsCommon.Remove, "Memslot", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemslot))]
    public sealed class RemoveMemslotCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabMemslotTransformation]
        [ArgumentCompleter(typeof(MemslotIdCompleter))]
        public LabMemslot[] Memslot { get; set; } = Array.Empty<LabMemslot>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var slot in Memslot)
            {
                if (!ShouldProcess(Targets.Of(slot), "Delete the memslot (KVM_SET_USER_MEMORY_REGION2 with memory_size 0)")) continue;
                if (Perform(slot, lab => lab.RemoveMemslot(slot)) && PassThru) WriteObject(slot);
            }
        }
    }
}
