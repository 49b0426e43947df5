using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-Memslot: the open memslots of a VM (or of every VM), optionally only some slot ids.</summary>
    [Cmdlet(VerbsCommon.Get, "Memslot")]
    [OutputType(typeof(LabMemslot))]
    public sealed class GetMemslotCommand : GmemCmdletBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(SlotNumberCompleter))]
        [NumericLiteralTransformation]
        public uint[]? Slot { get; set; }

        protected override void ProcessRecord()
        {
            var vm = Vm;
            foreach (var slot in Unpack(Produce(vm, lab => lab.SelectMemslots(vm, Slot)))) WriteObject(slot);
        }
    }
}
