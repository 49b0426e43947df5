using System;
using System.IO;

namespace GmemPS.Scenarios
{
    /// <summary>The two forms a scenario is written in.</summary>
    public enum ScenarioFileFormat
    {
        /// <summary>The data form Invoke-/Compare-GmemScenario and the xunit engine read.</summary>
        Json,
        /// <summary>A runnable script of the equivalent cmdlet calls.</summary>
        Ps1,
    }

    public static class ScenarioFiles
    {
        /// <summary>The format a file name implies (.json, .ps1), or null for any other extension.</summary>
        public static ScenarioFileFormat? FormatOf(string path) =>
            Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".json" => ScenarioFileFormat.Json,
                ".ps1" => ScenarioFileFormat.Ps1,
                _ => null,
            };

        /// <summary>The text of a scenario in a format.</summary>
        public static string Render(Scenario scenario, ScenarioFileFormat format) =>
            format == ScenarioFileFormat.Ps1 ? scenario.ToPowerShell() : scenario.ToJson();

        /// <summary>The text of a session's scenario; a script also names what was left out, and the module to import.</summary>
        public static string Render(RecordedScenario recorded, ScenarioFileFormat format, string? modulePath) =>
            format == ScenarioFileFormat.Ps1 ? recorded.Scenario.ToPowerShell(modulePath, recorded.LeftOut) : recorded.Scenario.ToJson();

        /// <summary>Reads a scenario file (JSON); a .ps1 is a script to run, not data to read.</summary>
        public static Scenario Read(string path)
        {
            if (FormatOf(path) == ScenarioFileFormat.Ps1)
                throw new ScenarioFormatException("GmemScenarioInvalid",
                    $"'{path}' is the PowerShell form of a scenario: run it, or replay the .json written with it.");
            try
            {
                return Scenario.FromJson(File.ReadAllText(path));
            }
            catch (ScenarioFormatException e)
            {
                throw new ScenarioFormatException(e.ErrorId, $"{path}: {e.Message}", e);
            }
        }
    }
}
