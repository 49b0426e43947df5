using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Add-Memslot: KVM_SET_USER_MEMORY_REGION2 creating a slot, bound to a guest_memfd range or to anonymous memory.
    /// No default parameter set: with one, PowerShell settles on it before it looks at the input, so a piped LabVm or
    /// LabMemfd never bound; without one, each piped type picks its set (LabFile File, LabVm Anonymous, LabMemfd Memfd).
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "Memslot", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemslot))]
    public sealed class AddMemslotCommand : GmemCmdletBase
    {
        private const string FileSet = "File";
        private const string AnonymousSet = "Anonymous";
        private const string MemfdSet = "Memfd";

        [Parameter(ParameterSetName = FileSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabFileTransformation]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public LabFile? File { get; set; }

        [Parameter(ParameterSetName = AnonymousSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        /// <summary>
        /// The VM a file or memfd is bound into. For a file, another VM than its own is what seed A argues about, and a
        /// file created on /dev/kvm has none of its own. A name of its own (not -Vm) keeps the Anonymous set the only
        /// one that -Vm selects.
        /// </summary>
        [Parameter(ParameterSetName = FileSet)]
        [Parameter(ParameterSetName = MemfdSet, Mandatory = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? IntoVm { get; set; }

        /// <summary>Seed C: a sealed memfd backing a private slot of the 2021 proposal (simulator only).</summary>
        [Parameter(ParameterSetName = MemfdSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabMemfd))]
        [ArgumentCompleter(typeof(MemfdIdCompleter))]
        public LabMemfd? Memfd { get; set; }

        /// <summary>guest_phys_addr.</summary>
        [Parameter(Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Gpa { get; set; }

        /// <summary>memory_size (File set default: from -Offset to the end of the file).</summary>
        [Parameter(ParameterSetName = FileSet)]
        [Parameter(ParameterSetName = MemfdSet)]
        [Parameter(ParameterSetName = AnonymousSet, Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        /// <summary>guest_memfd_offset.</summary>
        [Parameter(ParameterSetName = FileSet)]
        [Parameter(ParameterSetName = MemfdSet)]
        [NumericLiteralTransformation]
        public ulong Offset { get; set; }

        /// <summary>The slot id (default: the lowest free one of the VM).</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public uint Slot { get; set; }

        /// <summary>userspace_addr. File set, not given: an MMAP file is backed by the session's mapping of it (else 0).
        /// Anonymous set, 0 (default): maps anonymous memory of -Size and uses its address.</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public ulong UserspaceAddress { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            LabMemslot? slot;
            if (ParameterSetName == FileSet)
            {
                var file = File!;
                // Another VM than the file's own: seed A's argument (upstream refuses it; the alternative allows it
                // while the file is unowned). A file made on /dev/kvm has no VM of its own, so the lab asks for one.
                var vm = IntoVm ?? file.Vm;
                if (vm == null)
                {
                    Produce(file, lab => lab.Bind(file, Gpa));
                    return;
                }
                ulong size = IsGiven(nameof(Size)) ? Size : Lab.RemainingSize(file, Offset);
                uint id = IsGiven(nameof(Slot)) ? Slot : Lab.LowestFreeSlot(vm);
                // Not given: the lab's default (an MMAP file is backed by the session's own mapping of it).
                ulong? hva = IsGiven(nameof(UserspaceAddress)) ? UserspaceAddress : (ulong?)null;
                string backing = hva == null ? string.Empty : $" userspace_addr {Hex.Address(hva.Value)}";
                if (!ShouldProcess($"{vm.Id} slot {id}",
                        $"Bind {file.Id} offset {Hex.Address(Offset)} size {Hex.Size(size)} at gpa {Hex.Address(Gpa)}{backing} (KVM_SET_USER_MEMORY_REGION2)"))
                    return;
                slot = Produce(file, lab => lab.Bind(file, Gpa, size, Offset, id, hva, vm));
            }
            else if (ParameterSetName == MemfdSet)
            {
                var memfd = Memfd!;
                var vm = IntoVm!;
                uint id = IsGiven(nameof(Slot)) ? Slot : Lab.LowestFreeSlot(vm);
                ulong? size = IsGiven(nameof(Size)) ? Size : (ulong?)null;
                if (!ShouldProcess($"{vm.Id} slot {id}", $"Back gpa {Hex.Address(Gpa)} with {memfd.Id} from offset {Hex.Address(Offset)} (a private slot)"))
                    return;
                slot = Produce(memfd, lab => lab.BindMemfd(memfd, vm, Gpa, size, Offset, id));
            }
            else
            {
                var vm = Vm!;
                uint id = IsGiven(nameof(Slot)) ? Slot : Lab.LowestFreeSlot(vm);
                string backing = UserspaceAddress == 0 ? "new anonymous memory" : $"userspace_addr {Hex.Address(UserspaceAddress)}";
                if (!ShouldProcess($"{vm.Id} slot {id}",
                        $"Add {Hex.Size(Size)} at gpa {Hex.Address(Gpa)} backed by {backing} (KVM_SET_USER_MEMORY_REGION2)"))
                    return;
                slot = Produce(vm, lab => lab.BindAnonymous(vm, Gpa, Size, id, UserspaceAddress));
            }
            if (slot != null && PassThru) WriteObject(slot);
        }
    }
}
