using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using GmemPS.Tests.Pester;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Keeps each example script and its xunit twin in step: each names the other, and every script has the
    /// same frame (a -Backend Simulator|Kvm parameter, the module imported from out/GmemPS unless loaded, its
    /// claims checked at the end).
    /// </summary>
    public class ExampleScriptsTests
    {
        private static readonly (string Script, string Twin)[] Pairs =
        {
            ("quickstart.ps1", "QuickstartTwinTests.cs"),
            ("close-orderings.ps1", "CloseOrderingsTwinTests.cs"),
            ("pci-hole-split.ps1", "PciHoleSplitTwinTests.cs"),
            ("punch-while-mapped.ps1", "PunchWhileMappedTwinTests.cs"),
            ("slot-rules.ps1", "SlotRulesTwinTests.cs"),
            ("design-who-pins-whom.ps1", "WhoPinsWhomTwinTests.cs"),
            ("design-per-slot-invalidation.ps1", "PerSlotInvalidationTwinTests.cs"),
            ("design-in-place-conversion.ps1", "InPlaceConversionTwinTests.cs"),
            ("design-sealed-memfd.ps1", "SealedMemfdTwinTests.cs"),
            ("design-vfio-holds-vm.ps1", "VfioHoldsVmTwinTests.cs"),
        };

        public static TheoryData<string, string> Twins
        {
            get
            {
                var data = new TheoryData<string, string>();
                foreach (var (script, twin) in Pairs) data.Add(script, twin);
                return data;
            }
        }

        private static string Read(string relative) => File.ReadAllText(Path.Combine(PowerShellSource.RepositoryRoot, relative));

        [Theory]
        [MemberData(nameof(Twins))]
        public void Script_and_twin_name_each_other(string script, string twin)
        {
            Assert.Contains($"tests/GmemPS.Tests/Examples/{twin}", Read($"examples/{script}"));
            Assert.Contains($"examples/{script}", Read($"tests/GmemPS.Tests/Examples/{twin}"));
        }

        [Theory]
        [MemberData(nameof(Twins))]
        public void Script_takes_a_backend_imports_the_module_and_checks_its_claims(string script, string twin)
        {
            _ = twin;
            string code = PowerShellSource.StripComments(Read($"examples/{script}"), out string? error);
            Assert.Null(error);
            Assert.Matches(new Regex(@"\[ValidateSet\('Simulator',\s*'Kvm'\)\]\s*\[string\]\s*\$Backend\s*=\s*'Simulator'"), code);
            Assert.Contains(". (Join-Path $PSScriptRoot 'ExampleSupport.ps1')", code);
            Assert.Contains("Import-GmemPSForExample", code);
            Assert.Matches(new Regex(@"Assert-Claim\s*$"), code.TrimEnd());
            Assert.True(Regex.Matches(code, @"\bAdd-Claim\b").Count >= 3, $"{script} checks fewer than 3 claims");
        }

        [Fact]
        public void The_support_file_imports_from_out_GmemPS_unless_loaded_and_throws_on_a_failed_claim()
        {
            string code = PowerShellSource.StripComments(Read("examples/ExampleSupport.ps1"), out string? error);
            Assert.Null(error);
            Assert.Contains("if (-not (Get-Module -Name GmemPS))", code);
            Assert.Contains("Join-Path $PSScriptRoot '../out/GmemPS'", code);
            Assert.Contains("throw \"Claims that did not hold:", code);
        }

        [Fact]
        public void Every_example_script_has_a_twin()
        {
            var scripts = PowerShellSource.Files("examples", ".ps1").Select(Path.GetFileName).Where(n => n != "ExampleSupport.ps1");
            Assert.Equal(Pairs.Select(p => p.Script).OrderBy(n => n), scripts.OrderBy(n => n));
        }
    }
}
