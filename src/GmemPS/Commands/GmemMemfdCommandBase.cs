using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>A change to memfds from the pipeline (seed C): each asks once, then writes the memfd with -PassThru.</summary>
    public abstract class GmemMemfdCommandBase : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabMemfd))]
        [ArgumentCompleter(typeof(MemfdIdCompleter))]
        public LabMemfd[] Memfd { get; set; } = Array.Empty<LabMemfd>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract string Action { get; }

        protected abstract void Apply(GmemLab lab, LabMemfd memfd);

        protected override void ProcessRecord()
        {
            foreach (var memfd in Memfd)
            {
                if (!ShouldProcess($"{memfd.Id} (memfd inode {memfd.Inode}, fd {memfd.Fd})", Action)) continue;
                if (Perform(memfd, lab => Apply(lab, memfd)) && PassThru) WriteObject(memfd);
            }
        }
    }
}
