using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemFile: KVM_CREATE_GUEST_MEMFD on a VM.</summary>
    [Cmdlet(VerbsCommon.New, "GmemFile", SupportsShouldProcess = true)]
    [OutputType(typeof(LabFile))]
    public sealed class NewGmemFileCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        /// <summary>Bytes; the kernel wants a non-zero multiple of 4 KiB.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public ulong Size { get; set; }

        /// <summary>GUEST_MEMFD_FLAG_MMAP.</summary>
        [Parameter]
        public SwitchParameter Mmap { get; set; }

        /// <summary>GUEST_MEMFD_FLAG_INIT_SHARED.</summary>
        [Parameter]
        public SwitchParameter InitShared { get; set; }

        /// <summary>Raw flags, OR-ed with the switches (lets a test pass unknown bits).</summary>
        [Parameter]
        public GuestMemfdFlags Flags { get; set; }

        protected override void ProcessRecord()
        {
            var flags = Flags
                | (Mmap ? GuestMemfdFlags.Mmap : GuestMemfdFlags.None)
                | (InitShared ? GuestMemfdFlags.InitShared : GuestMemfdFlags.None);
            var vm = Vm;
            if (!ShouldProcess(Targets.Of(vm), $"Create a guest_memfd of {Hex.Size(Size)} with flags 0x{(ulong)flags:x} ({flags}) (KVM_CREATE_GUEST_MEMFD)")) return;
            var file = Produce(vm, lab => lab.CreateFile(vm, Size, flags));
            if (file != null) WriteObject(file);
        }
    }
}
