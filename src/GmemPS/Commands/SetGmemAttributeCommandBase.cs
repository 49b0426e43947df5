using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Set-GmemPrivate and Set-GmemShared: KVM_SET_MEMORY_ATTRIBUTES over a gpa range or whole memslots,
    /// optionally after fallocating the guest_memfd pages behind it (the selftests' DO_FALLOCATE).
    /// </summary>
    public abstract class SetGmemAttributeCommandBase : GmemCmdletBase
    {
        protected const string RangeSet = "Range";
        protected const string MemslotSet = "Memslot";

        [Parameter(ParameterSetName = RangeSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        /// <summary>The first guest physical address (page aligned).</summary>
        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Gpa { get; set; }

        /// <summary>Bytes (a multiple of 4 KiB).</summary>
        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        [Parameter(ParameterSetName = MemslotSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabMemslotTransformation]
        [ArgumentCompleter(typeof(MemslotIdCompleter))]
        public LabMemslot[] Memslot { get; set; } = Array.Empty<LabMemslot>();

        /// <summary>Allocate the backing guest_memfd pages before going private, punch them before going shared.</summary>
        [Parameter]
        public SwitchParameter Fallocate { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>True for Set-GmemPrivate.</summary>
        protected abstract bool Private { get; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == RangeSet)
            {
                Convert(Vm!, Vm!, Gpa, Size, slot: null);
                return;
            }
            foreach (var slot in Memslot) Convert(slot, slot.Vm, slot.Gpa, slot.Size, slot);
        }

        private void Convert(object input, LabVm vm, ulong gpa, ulong size, LabMemslot? slot)
        {
            string action = Private
                ? $"Set private (KVM_SET_MEMORY_ATTRIBUTES PRIVATE){(Fallocate ? " after allocating the guest_memfd pages" : string.Empty)}"
                : $"Set shared (KVM_SET_MEMORY_ATTRIBUTES 0){(Fallocate ? " after punching the guest_memfd pages" : string.Empty)}";
            if (!ShouldProcess(Targets.Range(vm, gpa, size), action)) return;
            bool fallocate = Fallocate;
            var range = slot != null
                ? Produce(input, lab => Private ? lab.SetPrivate(slot, fallocate) : lab.SetShared(slot, fallocate))
                : Produce(input, lab => Private ? lab.SetPrivate(vm, gpa, size, fallocate) : lab.SetShared(vm, gpa, size, fallocate));
            if (range != null && PassThru) WriteObject(range);
        }
    }
}
