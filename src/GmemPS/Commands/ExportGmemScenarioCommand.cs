using System;
using System.IO;
using System.Management.Automation;
using GmemPS.Lab;
using GmemPS.Infrastructure;
using GmemPS.Scenarios;

namespace GmemPS.Commands
{
    /// <summary>
    /// Export-GmemScenario: writes what the session did (its recorded steps and their outcomes) as a scenario, as
    /// JSON or as a runnable .ps1 of the same cmdlet calls. Pipe two paths to write both. Design steps, design VMs
    /// and what works on them are left out (a warning names them): a scenario is what both backends run.
    /// </summary>
    [Cmdlet(VerbsData.Export, "GmemScenario", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportGmemScenarioCommand : GmemCmdletBase
    {
        /// <summary>The file to write (a PowerShell path); its extension chooses the format unless -Format is given.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Json or Ps1 (default: from the extension, .json or .ps1).</summary>
        [Parameter]
        public ScenarioFileFormat Format { get; set; }

        /// <summary>The scenario's name (default: the file name without its extension).</summary>
        [Parameter]
        public string? Name { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string path in Path)
            {
                string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
                if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                    Report(new GmemUsageException("GmemScenarioPathNotFileSystem", $"'{path}' is on the {provider.Name} provider; Export-GmemScenario writes files.", nameof(Path)), path);
                ScenarioFileFormat? format = IsGiven(nameof(Format)) ? Format : ScenarioFiles.FormatOf(file);
                if (format == null)
                {
                    Report(new GmemUsageException("GmemScenarioFormatUnknown",
                        $"'{path}' ends in neither .json nor .ps1: name the format with -Format Json or -Format Ps1.", nameof(Format)), path);
                    continue;
                }
                string name = Name ?? System.IO.Path.GetFileNameWithoutExtension(file);
                int steps = Lab.StepCount;
                if (!ShouldProcess(file, $"Write the session's {steps} steps as a {format} scenario")) continue;
                var recorded = Produce(file, lab => Scenario.Record(lab, name));
                if (recorded == null) continue;
                // The designs run on the simulator only: a scenario holds the upstream steps, and says what it left out.
                if (recorded.LeftOut.Count > 0)
                    WriteWarning($"{file}: {recorded.LeftOut.Count} steps of designs (simulator only) left out: {string.Join("; ", recorded.LeftOut)}");
                string text = ScenarioFiles.Render(recorded, format.Value, ModuleManifest());
                if (Produce<object>(file, _ =>
                    {
                        File.WriteAllText(file, text);
                        return file;
                    }) != null)
                    WriteObject(new FileInfo(file));
            }
        }

        /// <summary>The manifest of the GmemPS this command runs from (the script imports it when GmemPS is not installed).</summary>
        private string? ModuleManifest()
        {
            var module = MyInvocation.MyCommand.Module;
            if (module == null) return null;
            string manifest = System.IO.Path.Combine(module.ModuleBase, "GmemPS.psd1");
            return File.Exists(manifest) ? manifest : module.Path;
        }
    }
}
