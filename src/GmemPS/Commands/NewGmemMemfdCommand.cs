using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>New-GmemMemfd: memfd_create + ftruncate, a shmem memfd for the 2021 sealed-memfd design (seed C; simulator only).</summary>
    [Cmdlet(VerbsCommon.New, "GmemMemfd", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemfd))]
    public sealed class NewGmemMemfdCommand : GmemHostCommandBase
    {
        /// <summary>Bytes (a multiple of 4 KiB).</summary>
        [Parameter(Mandatory = true)]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        protected override void ProcessRecord()
        {
            var (profile, host) = ResolveHost();
            if (!ShouldProcess(host, $"Create a memfd of {Hex.Size(Size)} (memfd_create, ftruncate)")) return;
            var memfd = Produce(host, lab => lab.CreateMemfd(Backend, profile, Size));
            if (memfd != null) WriteObject(memfd);
        }
    }
}
