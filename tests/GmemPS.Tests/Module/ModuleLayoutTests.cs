using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>out/GmemPS is what Import-Module ./out/GmemPS needs, and nothing pwsh brings itself.</summary>
    public class ModuleLayoutTests
    {
        private static string Dir => BuiltModule.ModuleDirectory;

        [Fact]
        public void Holds_the_manifest_our_assemblies_formats_types_and_help()
        {
            foreach (string file in new[]
                     {
                         "GmemPS.psd1", "GmemPS.dll", "GmemPS.Core.dll", "GmemPS.Simulator.dll", "GmemPS.Kvm.dll", "GmemPS.Backends.dll",
                         "GmemPS.format.ps1xml", "GmemPS.types.ps1xml",
                         Path.Combine("en-US", "GmemPS.dll-Help.xml"), Path.Combine("en-US", "about_GmemPS.help.txt"),
                     })
                Assert.True(File.Exists(Path.Combine(Dir, file)), $"out/GmemPS lacks {file}");
        }

        [Fact]
        public void Ships_no_dependency_that_nothing_uses()
        {
            // Mono.Posix.NETStandard was shipped (with its native helper) while no code called it (issue 2/7, finding 8);
            // it returns with the POSIX calls it is good at (issue 4/7).
            Assert.False(File.Exists(Path.Combine(Dir, "Mono.Posix.NETStandard.dll")));
            Assert.False(File.Exists(Path.Combine(Dir, "libMonoPosixHelper.so")));
        }

        [Fact]
        public void Does_not_ship_PowerShell_itself_or_build_leftovers()
        {
            var files = Directory.GetFiles(Dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
            Assert.DoesNotContain("System.Management.Automation.dll", files);
            Assert.DoesNotContain(files, f => f!.EndsWith(".deps.json", StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.GetFiles(Dir, "*.psd1", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("{{"));
        }

        [Fact]
        public void Manifest_version_is_the_one_in_Directory_Build_props()
        {
            string props = File.ReadAllText(Path.Combine(BuiltModule.RepoRoot, "Directory.Build.props"));
            string version = Regex.Match(props, "<GmemPSVersion>([^<]+)</GmemPSVersion>").Groups[1].Value;
            Assert.NotEmpty(version);
            Assert.Equal(version, BuiltModule.ManifestValue("ModuleVersion"));
            Assert.Equal(version, AssemblyName.GetAssemblyName(Path.Combine(Dir, "GmemPS.dll")).Version!.ToString(3));
        }

    }
}
