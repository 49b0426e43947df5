using System;
using System.Collections.Generic;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;
using GmemPS.Lab.Map;

namespace GmemPS.Commands
{
    /// <summary>Show-GmemMap: a text map of each VM's gpa space (slots, gaps, private/shared ranges, files).</summary>
    [Cmdlet(VerbsCommon.Show, "GmemMap")]
    [OutputType(typeof(string))]
    public sealed class ShowGmemMapCommand : GmemCmdletBase
    {
        private readonly List<LabVm> vms = new List<LabVm>();

        /// <summary>The VMs to draw (default: every open VM of the session).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm[] Vm { get; set; } = Array.Empty<LabVm>();

        protected override void ProcessRecord() => vms.AddRange(Vm);

        protected override void EndProcessing()
        {
            var lines = Produce(vms, lab => GmemMapText.Render(lab, vms.Count > 0 ? vms : lab.SelectVms(null).Found));
            if (lines != null) WriteObject(lines, true);
        }
    }
}
