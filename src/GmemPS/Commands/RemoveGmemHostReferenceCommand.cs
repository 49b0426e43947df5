using System;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Remove-GmemHostReference: the host drops a reference (the put). Under RFC v5 the last put on a page waiting
    /// in NONE runs the final-put callback that completes its conversion.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "GmemHostReference", SupportsShouldProcess = true)]
    [OutputType(typeof(LabHostReference))]
    public sealed class RemoveGmemHostReferenceCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabIdTransformation(typeof(LabHostReference))]
        [ArgumentCompleter(typeof(HostReferenceIdCompleter))]
        public LabHostReference[] Reference { get; set; } = Array.Empty<LabHostReference>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var reference in Reference)
            {
                if (!ShouldProcess($"{reference.Id} ({reference.Kind} on {reference.File.Id})", "Drop the host reference (put)")) continue;
                if (Perform(reference, lab => lab.ReleaseHostReference(reference)) && PassThru) WriteObject(reference);
            }
        }
    }
}
