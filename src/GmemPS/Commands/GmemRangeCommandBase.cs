using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// A state change over a file range (Add-GmemRange, Remove-GmemRange, and the seed B range cmdlets): -Length
    /// defaults to the rest of the file, -WhatIf/-Confirm name the range, -PassThru writes the file.
    /// </summary>
    public abstract class GmemRangeCommandBase : GmemFileRangeCommandBase
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract string Action { get; }

        protected abstract void Apply(GmemLab lab, LabFile file, long offset, long length);

        protected override void ProcessRecord()
        {
            var file = File;
            long offset = Offset;
            long count = LengthOrRest(file);
            if (!ShouldProcess(Targets.FileRange(file, offset, count), Action)) return;
            if (Perform(file, lab => Apply(lab, file, offset, count)) && PassThru) WriteObject(file);
        }
    }
}
