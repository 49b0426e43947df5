using System;
using System.Management.Automation;
using GmemPS.Contract;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Invoke-GuestAccess: a vCPU reads or writes guest physical memory (one access within one page) and
    /// reports how KVM_RUN ended: completed, KVM_EXIT_MMIO (no slot), or KVM_EXIT_MEMORY_FAULT.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "GuestAccess", SupportsShouldProcess = true, DefaultParameterSetName = ReadSet)]
    [OutputType(typeof(GuestAccessResult))]
    public sealed class InvokeGuestAccessCommand : GmemCmdletBase
    {
        private const string ReadSet = "Read";
        private const string WriteSet = "Write";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        /// <summary>The guest physical address; a memslot piped in lends its own (its first byte).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [NumericLiteralTransformation]
        public ulong Gpa { get; set; }

        /// <summary>Bytes to read (1 to 4096, within one page).</summary>
        [Parameter(ParameterSetName = ReadSet, Mandatory = true)]
        [NumericLiteralTransformation]
        public int Read { get; set; }

        /// <summary>Bytes to write (within one page).</summary>
        [Parameter(ParameterSetName = WriteSet, Mandatory = true)]
        public byte[] Write { get; set; } = Array.Empty<byte>();

        protected override void ProcessRecord()
        {
            var vm = Vm;
            GuestAccessResult? result;
            if (ParameterSetName == WriteSet)
            {
                byte[] data = Write;
                if (!ShouldProcess($"{vm.Id} gpa {Hex.Address(Gpa)}", $"Guest write of {data.Length} bytes (KVM_RUN)")) return;
                result = Produce(vm, lab => lab.GuestWrite(vm, Gpa, data));
            }
            else
            {
                // A read runs the vCPU too (KVM_RUN faults pages in, and may exit), so -WhatIf must not do it.
                if (!ShouldProcess($"{vm.Id} gpa {Hex.Address(Gpa)}", $"Guest read of {Read} bytes (KVM_RUN)")) return;
                result = Produce(vm, lab => lab.GuestRead(vm, Gpa, Read));
            }
            if (result != null) WriteObject(result);
        }
    }
}
