using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemMemfd: memfd_create + ftruncate, a shmem memfd for the 2021 sealed-memfd design (seed C; simulator only).</summary>
    [Cmdlet(VerbsCommon.New, "GmemMemfd", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemfd))]
    public sealed class NewGmemMemfdCommand : GmemCmdletBase
    {
        /// <summary>The host (Simulator by default; the Kvm backend refuses the design).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>Bytes (a multiple of 4 KiB).</summary>
        [Parameter(Mandatory = true)]
        public ulong Size { get; set; }

        protected override void ProcessRecord()
        {
            string? profile = CanonicalProfile(Backend, Profile);
            string host = BackendProfiles.Describe(Backend, profile);
            if (!ShouldProcess(host, $"Create a memfd of {Hex.Size(Size)} (memfd_create, ftruncate)")) return;
            var memfd = Produce(host, lab => lab.CreateMemfd(Backend, profile, Size));
            if (memfd != null) WriteObject(memfd);
        }
    }
}
