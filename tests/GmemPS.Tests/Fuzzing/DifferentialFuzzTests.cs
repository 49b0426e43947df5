using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Scenarios;
using GmemPS.Tests.Module;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Fuzzing
{
    /// <summary>
    /// The simulator against the kernel on generated sequences. The test command runs a bounded number of them
    /// (GMEMPS_FUZZ_SEQUENCES, default <see cref="CiSequences"/>); ./fuzz.sh runs many more. A divergence is
    /// shrunk and saved under Fuzzing/Regressions, which <see cref="Regression_cases_agree_with_the_kernel"/>
    /// replays forever after.
    /// </summary>
    public sealed class DifferentialFuzzTests
    {
        public const int CiSequences = 500;
        public const int StepsPerSequence = 40;
        public const int DefaultSeed = 20250601;

        internal static string RegressionDirectory => Path.Combine(BuiltModule.RepoRoot, "tests", "GmemPS.Tests", "Fuzzing", "Regressions");

        private static int Setting(string name, int fallback) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

        [Fact]
        public void Generated_sequences_give_the_same_outcomes_on_the_simulator_and_the_kernel()
        {
            using var _ = KvmAvailability.OpenOrSkip();
            int sequences = Setting("GMEMPS_FUZZ_SEQUENCES", CiSequences);
            int steps = Setting("GMEMPS_FUZZ_STEPS", StepsPerSequence);
            int seed = Setting("GMEMPS_FUZZ_SEED", DefaultSeed);
            var fuzzer = new DifferentialFuzzer(StandardBackendFactory.Instance);
            var report = fuzzer.Run(seed, sequences, steps);

            var saved = report.Divergences.Select(Save).ToList();
            string summary = $"differential fuzzing from seed {seed}: {report}"
                + (saved.Count == 0 ? string.Empty : "\nreproducers saved:\n  " + string.Join("\n  ", saved));
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            WriteSummary(summary);
            Assert.Equal(sequences, report.Sequences);
            Assert.True(report.Divergences.Count == 0, summary);
        }

        /// <summary>Saves a reproducer as a regression case (named by its signature, so one file per kind of divergence).</summary>
        private static string Save(Divergence divergence)
        {
            Directory.CreateDirectory(RegressionDirectory);
            string name = new string(divergence.Signature.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
            string path = Path.Combine(RegressionDirectory, $"{(divergence.Flaky ? "flaky-" : string.Empty)}{name}-seed{divergence.Seed}.json");
            File.WriteAllText(path, divergence.Reproducer.ToJson());
            return path;
        }

        private static void WriteSummary(string summary)
        {
            string? file = Environment.GetEnvironmentVariable("GMEMPS_FUZZ_REPORT");
            if (!string.IsNullOrEmpty(file)) File.WriteAllText(file, summary + "\n");
        }

        public static IEnumerable<TheoryDataRow<string>> RegressionCases() =>
            Directory.Exists(RegressionDirectory)
                ? Directory.EnumerateFiles(RegressionDirectory, "*.json").OrderBy(f => f, StringComparer.Ordinal)
                    .Select(f => new TheoryDataRow<string>(Path.GetFileName(f)))
                : Enumerable.Empty<TheoryDataRow<string>>();

        /// <summary>
        /// Each saved reproducer holds the kernel's outcomes (the judge). The simulator must give them on any
        /// machine; where /dev/kvm is usable the kernel must still give them too, and the two must agree step by step.
        /// </summary>
        [Theory]
        [MemberData(nameof(RegressionCases))]
        public void Regression_cases_agree_with_the_kernel(string file)
        {
            var scenario = Scenario.FromJson(File.ReadAllText(Path.Combine(RegressionDirectory, file)));
            Assert.Equal("Kvm", scenario.RecordedOn);
            var simulated = ScenarioRunner.Run(StandardBackendFactory.Instance, scenario, DifferentialFuzzer.Simulator);
            Assert.All(simulated, r => Assert.True(r.AsExpected, $"simulator, {r}: {string.Join("; ", r.Differences)}"));

            using var _ = KvmAvailability.OpenOrSkip();
            var real = ScenarioRunner.Run(StandardBackendFactory.Instance, scenario, ScenarioTarget.Kvm);
            Assert.All(real, r => Assert.True(r.AsExpected, $"kernel, {r}: {string.Join("; ", r.Differences)}"));
            var comparison = ScenarioComparer.CompareWithKernel(StandardBackendFactory.Instance, scenario);
            Assert.True(comparison.Agree, comparison.ToString());
        }
    }
}
