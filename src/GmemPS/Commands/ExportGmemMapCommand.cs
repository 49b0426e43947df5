using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;
using GmemPS.Lab.Map;

namespace GmemPS.Commands
{
    /// <summary>Export-GmemMap: writes an SVG map of each VM's gpa space to a file.</summary>
    [Cmdlet(VerbsData.Export, "GmemMap", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportGmemMapCommand : GmemCmdletBase
    {
        private readonly List<LabVm> vms = new List<LabVm>();

        /// <summary>The .svg file to write (a PowerShell path; relative to the current location).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>The VMs to draw (default: every open VM of the session).</summary>
        [Parameter(Position = 1, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm[] Vm { get; set; } = Array.Empty<LabVm>();

        protected override void ProcessRecord() => vms.AddRange(Vm);

        protected override void EndProcessing()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out ProviderInfo provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                Report(new GmemUsageException("GmemMapPathNotFileSystem",
                    $"'{Path}' is on the {provider.Name} provider; Export-GmemMap writes files.", nameof(Path)), Path);
            var chosen = vms.Count > 0 ? vms : Lab.SelectVms(null).Found.ToList();
            string what = chosen.Count == 0 ? "an empty map" : "a map of " + string.Join(", ", chosen.Select(v => v.Id));
            if (!ShouldProcess(path, $"Write {what} as SVG")) return;
            var svg = Produce(chosen, lab => GmemMapSvg.Render(lab, chosen));
            if (svg == null) return;
            if (Produce<object>(path, _ =>
                {
                    System.IO.File.WriteAllText(path, svg);
                    return path;
                }) != null)
                WriteObject(new FileInfo(path));
        }
    }
}
