using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace GmemPS.Tests.Pester
{
    /// <summary>
    /// Static checks of the Pester suite (tests/pester) and the example scripts (examples), which cannot be run
    /// where pwsh is absent: they parse as far as brackets and strings go, use no syntax Pester 6 removed, and
    /// the suite exercises every cmdlet of the agreed spec (and any cmdlet the module declares beyond it).
    /// </summary>
    public class PesterSuiteStaticTests
    {
        /// <summary>The cmdlets the agreed spec names (docs: the cmdlet table of the spec, in its order).</summary>
        public static readonly string[] SpecCmdlets =
        {
            "New-GmemVm", "Get-GmemVm", "Remove-GmemVm", "Get-GmemCapability",
            "New-GmemFile", "Get-GmemFile", "Close-GmemFile",
            "Add-Memslot", "Get-Memslot", "Remove-Memslot",
            "Add-GmemRange", "Remove-GmemRange",
            "Set-GmemPrivate", "Set-GmemShared", "Get-GmemAttribute",
            "Read-GmemMemory", "Write-GmemMemory", "Invoke-GuestAccess",
            "Get-GmemEvent", "Show-GmemMap", "Export-GmemMap",
        };

        public static IEnumerable<TheoryDataRow<string>> PowerShellFiles() =>
            PowerShellSource.Files("tests/pester", ".ps1", ".psm1")
                .Concat(PowerShellSource.Files("examples", ".ps1"))
                .Select(f => new TheoryDataRow<string>(PowerShellSource.Relative(f)));

        private static string Code(string relative)
        {
            string code = PowerShellSource.StripComments(File.ReadAllText(Path.Combine(PowerShellSource.RepositoryRoot, relative)), out string? error);
            Assert.True(error == null, $"{relative}: {error}");
            return code;
        }

        private static string SuiteCode() =>
            string.Join("\n", PowerShellSource.Files("tests/pester", ".ps1", ".psm1").Select(f => Code(PowerShellSource.Relative(f))));

        [Theory]
        [MemberData(nameof(PowerShellFiles))]
        public void Brackets_strings_and_comments_are_well_formed(string relative)
        {
            string? error;
            PowerShellSource.StripComments(File.ReadAllText(Path.Combine(PowerShellSource.RepositoryRoot, relative)), out error);
            Assert.True(error == null, $"{relative}: {error}");
        }

        // Pester 6 removed these; Pester 5 already refused the dashless (v3) Should form.
        private static readonly (string Name, Regex Pattern)[] Forbidden =
        {
            ("Assert-MockCalled", new Regex(@"\bAssert-MockCalled\b", RegexOptions.IgnoreCase)),
            ("Assert-VerifiableMock", new Regex(@"\bAssert-VerifiableMocks?\b", RegexOptions.IgnoreCase)),
            ("-Pending", new Regex(@"(?<![\w-])-Pending\b", RegexOptions.IgnoreCase)),
            ("-Focus", new Regex(@"(?<![\w-])-Focus\b", RegexOptions.IgnoreCase)),
            ("Should without a dash", new Regex(@"\bShould\s+(?:Not\s+)?(?:Be|BeExactly|BeLike|BeOfType|BeNullOrEmpty|BeTrue|BeFalse|BeGreaterThan|BeLessThan|Throw|Match|MatchExactly|Contain|Exist|HaveCount|FileContentMatch)\b", RegexOptions.IgnoreCase)),
            ("Should piped into a bare word", new Regex(@"\|\s*Should\s+(?!-)[A-Za-z]", RegexOptions.IgnoreCase)),
        };

        [Theory]
        [MemberData(nameof(PowerShellFiles))]
        public void No_syntax_that_Pester_6_removed(string relative)
        {
            string code = Code(relative);
            var hits = Forbidden.Where(f => f.Pattern.IsMatch(code)).Select(f => $"{f.Name}: '{f.Pattern.Match(code).Value}'").ToList();
            Assert.True(hits.Count == 0, $"{relative} uses {string.Join(", ", hits)}");
        }

        [Fact]
        public void The_forbidden_patterns_catch_what_they_should()
        {
            string[] bad = { "$x | Should Be 5", "Assert-MockCalled Get-Item", "It 'x' -Pending { }", "Describe 'd' -Focus { }", "Should Not Throw", "$a | Should BeExactly 'b'" };
            string[] good = { "$x | Should -Be 5", "Should -Invoke Get-Item -Times 1", "$a | Should -Not -Throw", "Describe 'd' -Skip:$true { }" };
            foreach (var text in bad) Assert.Contains(Forbidden, f => f.Pattern.IsMatch(text));
            foreach (var text in good) Assert.DoesNotContain(Forbidden, f => f.Pattern.IsMatch(text));
        }

        [Fact]
        public void Comments_are_not_code_and_strings_are_kept()
        {
            string code = PowerShellSource.StripComments("$a = 'x # y' # Should Be 1\n<# Should Be 2 #>\n\"$(\"in\" + ')')\"", out string? error);
            Assert.Null(error);
            Assert.Contains("'x # y'", code);
            Assert.DoesNotContain("Should", code);
            Assert.Contains("\"$(\"in\" + ')')\"", code);
            PowerShellSource.StripComments("if ($a) { (1, 2]", out error);
            Assert.Equal("line 1: ']' closes '(' of line 1", error);
        }

        /// <summary>The spec's cmdlets plus those the module declares ([Cmdlet(VerbsX.Verb, "Noun")]).</summary>
        public static IEnumerable<TheoryDataRow<string>> Cmdlets()
        {
            var names = new SortedSet<string>(SpecCmdlets);
            string commands = Path.Combine(PowerShellSource.RepositoryRoot, "src/GmemPS/Commands");
            if (Directory.Exists(commands))
            {
                var declaration = new Regex(@"\[Cmdlet\(\s*Verbs\w+\.(\w+)\s*,\s*""([\w-]+)""");
                foreach (var file in Directory.EnumerateFiles(commands, "*.cs", SearchOption.AllDirectories))
                    foreach (Match m in declaration.Matches(File.ReadAllText(file)))
                        names.Add($"{m.Groups[1].Value}-{m.Groups[2].Value}");
            }
            return names.Select(n => new TheoryDataRow<string>(n));
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Every_cmdlet_is_exercised_by_the_suite(string cmdlet)
        {
            var call = new Regex(@"(?<![\w-])" + Regex.Escape(cmdlet) + @"(?![\w-])", RegexOptions.IgnoreCase);
            Assert.True(call.IsMatch(SuiteCode()), $"No test in tests/pester calls {cmdlet}.");
        }

        [Fact]
        public void Every_test_file_imports_the_built_module_in_BeforeAll_and_takes_ModulePath()
        {
            foreach (var file in PowerShellSource.Files("tests/pester", ".Tests.ps1"))
            {
                string code = Code(PowerShellSource.Relative(file));
                Assert.Matches(new Regex(@"^\s*param\s*\(\s*\[string\]\s*\$ModulePath", RegexOptions.Multiline), code);
                Assert.Matches(new Regex(@"BeforeAll\s*\{\s*Import-Module\s+-Name\s+\$ModulePath"), code);
            }
        }

        [Fact]
        public void Tags_are_Simulator_or_Kvm_and_Kvm_tests_can_skip()
        {
            string code = SuiteCode();
            var tags = new Regex(@"-Tags?\s+'?([\w$.]+)'?").Matches(code).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.All(tags, t => Assert.Contains(t, new[] { "Simulator", "Kvm", "$case.Backend" }));
            Assert.Contains("-Skip:$case.Skip", code);
            Assert.Contains("Test-Path -LiteralPath '/dev/kvm'", code);
        }

        [Fact]
        public void The_runner_prints_the_summary_line_and_exits_with_the_failed_count()
        {
            string code = Code("tests/pester/Invoke-PesterSuite.ps1");
            Assert.Contains("Write-Host \"Pester: $passed passed, $failed failed, $skipped skipped\"", code);
            Assert.Contains("exit $failed", code);
            Assert.Matches(new Regex(@"\[string\]\s*\$ModulePath"), code);
        }

        [Fact]
        public void The_should_operators_are_registered_with_Add_ShouldOperator()
        {
            string code = Code("tests/pester/GmemPS.ShouldOperators.psm1");
            foreach (var name in new[] { "BeGmemState", "HaveGmemEvent", "BeGmemRefusal" })
                Assert.Matches(new Regex(@"Register-GmemShouldOperator\s+-Name\s+" + name + @"\s+-Test\s+\$\{function:Test-" + name + @"\}"), code);
            Assert.Contains("Add-ShouldOperator -Name $Name -Test $Test", code);
            // Each operator is used by the suite.
            string suite = SuiteCode();
            foreach (var name in new[] { "BeGmemState", "HaveGmemEvent", "BeGmemRefusal" })
                Assert.Contains($"Should -{name}", suite);
        }
    }
}
