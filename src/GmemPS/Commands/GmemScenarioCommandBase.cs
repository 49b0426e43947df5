using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using GmemPS.Lab;
using GmemPS.Infrastructure;
using GmemPS.Scenarios;

namespace GmemPS.Commands
{
    /// <summary>
    /// A cmdlet that reads scenario files: -Path takes strings, wildcards, or files piped from Get-ChildItem
    /// (by their FullName). A path that names no file is that input's error; the others still run.
    /// </summary>
    public abstract class GmemScenarioCommandBase : GmemCmdletBase
    {
        /// <summary>Scenario files (.json written by Export-GmemScenario); wildcards are expanded.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Each scenario file named by -Path, read; unreadable ones are reported and skipped.</summary>
        protected IEnumerable<(string File, Scenario Scenario)> Scenarios()
        {
            foreach (string path in Path)
            {
                var files = Resolve(path);
                foreach (string file in files)
                {
                    var scenario = Produce(file, _ => ScenarioFiles.Read(file));
                    if (scenario != null) yield return (file, scenario);
                }
            }
        }

        private IReadOnlyList<string> Resolve(string path)
        {
            try
            {
                var files = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return files;
                Report(new GmemUsageException("GmemScenarioPathNotFileSystem", $"'{path}' is on the {provider.Name} provider; scenarios are files.", nameof(Path)), path);
            }
            catch (ItemNotFoundException)
            {
                Report(new FileNotFoundException($"No scenario file matches '{path}'.", path), path);
            }
            return Array.Empty<string>();
        }
    }
}
