using System.Linq;
using System.Text.RegularExpressions;
using GmemPS.Backends;
using GmemPS.Lab;
using GmemPS.Scenarios;
using GmemPS.Tests.Module;
using Xunit;

namespace GmemPS.Tests.Scenarios
{
    /// <summary>
    /// The .ps1 form of a scenario, checked without pwsh (the Pester suite runs it where pwsh exists): it is well
    /// formed, each step is one statement, and every cmdlet and parameter it uses is one the built module has.
    /// </summary>
    public sealed class ScenarioScriptTests
    {
        private static string Script()
        {
            using var lab = StandardBackendFactory.NewLab();
            SampleSessions.EveryStepKind(lab, BackendKind.Simulator);
            return Scenario.FromLab(lab, "every step kind").ToPowerShell();
        }

        [Fact]
        public void The_script_is_well_formed_with_one_statement_and_its_outcome_per_step()
        {
            string script = Script();
            PowerShellSource.StripComments(script, out string? error);
            Assert.Null(error);
            int steps;
            using (var lab = StandardBackendFactory.NewLab())
            {
                SampleSessions.EveryStepKind(lab, BackendKind.Simulator);
                steps = lab.StepCount;
            }
            var stepComments = script.Split('\n').Where(l => Regex.IsMatch(l, @"^# \d+: ")).ToList();
            Assert.Equal(steps, stepComments.Count);
            Assert.StartsWith("# 2: CreateFile -> EINVAL (GmemSizeInvalid)", stepComments[2]);
            Assert.Contains("[GmemPS.Infrastructure.GmemSession]::Reset()", script);
        }

        [Fact]
        public void Steps_with_a_cmdlet_become_that_cmdlet_with_parameters_the_module_has()
        {
            string code = PowerShellSource.StripComments(Script(), out _);
            var cmdlets = BuiltModule.Instance.Cmdlets.ToDictionary(c => c.Name, System.StringComparer.OrdinalIgnoreCase);
            var used = Regex.Matches(code, @"\b([A-Z][a-z]+-(?:Gmem|Memslot|Guest)[A-Za-z]*)\b((?:[ \t]+-[A-Za-z]+(?::\$\w+)?(?:[ \t]+(?!-)[^\s]+)?)*)")
                .Select(m => (Name: m.Groups[1].Value, Parameters: Regex.Matches(m.Groups[2].Value, @"(?<=[ \t])-([A-Za-z]+)").Select(p => p.Groups[1].Value).ToList()))
                .ToList();
            foreach (var name in new[] { "New-GmemVm", "New-GmemFile", "Add-Memslot", "Add-GmemRange", "Remove-GmemRange", "Read-GmemMemory",
                         "Write-GmemMemory", "Invoke-GuestAccess", "Close-GmemFile", "Remove-GmemVm", "Remove-Memslot", "Get-GmemCapability" })
                Assert.True(used.Any(u => u.Name == name), $"{name} not among {string.Join(", ", used.Select(u => u.Name).Distinct())}");
            var common = new[] { "Confirm", "WhatIf", "ErrorAction", "Verbose" };
            foreach (var (name, parameters) in used)
            {
                Assert.True(cmdlets.ContainsKey(name), $"the script calls {name}, which the module does not export");
                foreach (string parameter in parameters.Where(p => !common.Contains(p)))
                    Assert.True(cmdlets[name].Parameters.Any(p => p.Answers(parameter)), $"{name} has no -{parameter}");
            }
        }

        [Fact]
        public void Steps_without_a_cmdlet_call_the_session_lab_method_of_the_same_name()
        {
            string script = Script();
            foreach (var method in new[] { "$lab.FileRead(", "$lab.FileTruncate(", "$lab.Map(", "$lab.Unmap(", "$lab.SetMemslot(", "$lab.SetAttributes(" })
                Assert.Contains(method, script);
            foreach (var method in new[] { "FileRead", "FileWrite", "FilePread", "FileTruncate", "Map", "Unmap", "SetMemslot", "SetAttributes", "HostRead", "MapAnonymous", "FindMapping" })
                Assert.Contains(typeof(GmemLab).GetMethods(), m => m.Name == method && m.IsPublic);
            // 64-bit values keep their sign: the ul suffix, never a bare hex literal PowerShell would read as negative.
            Assert.Contains("-Size 0x200000ul", script);
            Assert.Contains("(Resolve-ScenarioDescriptor 'kvm')", script);
            Assert.Contains("(Resolve-ScenarioAddress 'map0+0x0')", script);
        }
    }
}
