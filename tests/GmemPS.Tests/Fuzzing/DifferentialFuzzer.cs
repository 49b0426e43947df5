using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using GmemPS.Lab;
using GmemPS.Scenarios;

namespace GmemPS.Tests.Fuzzing
{
    /// <summary>One place where the simulator and the kernel disagreed, shrunk to a short reproducer.</summary>
    internal sealed class Divergence
    {
        public Divergence(int seed, Scenario original, Scenario reproducer, ScenarioStepComparison at)
        {
            Seed = seed;
            Original = original;
            Reproducer = reproducer;
            At = at;
        }

        public int Seed { get; }
        public Scenario Original { get; }
        /// <summary>The shortest sequence found that still diverges the same way, with the kernel's outcomes as expected.</summary>
        public Scenario Reproducer { get; }
        /// <summary>The diverging step of the reproducer.</summary>
        public ScenarioStepComparison At { get; }

        /// <summary>True when the divergence did not happen again on replay (the reproducer is the whole sequence).</summary>
        public bool Flaky { get; init; }
        /// <summary>The signature it had when found (for a flaky one, <see cref="At"/> may agree).</summary>
        public string? FoundAs { get; init; }

        /// <summary>What kind of disagreement this is: the step kind and which aspects differ (for de-duplication).</summary>
        public string Signature => FoundAs ?? Signatures.Of(At);

        public override string ToString() =>
            (Flaky ? $"seed {Seed} (FLAKY: found as {FoundAs}, not reproduced on replay): " : $"seed {Seed}: ")
            + $"{Original.Steps.Count} steps shrunk to {Reproducer.Steps.Count}; step {At.Index} {At.Call}: {string.Join("; ", At.Differences)}";
    }

    internal static class Signatures
    {
        public static string Of(ScenarioStepComparison step) =>
            step.Kind + ":" + string.Join(",", step.Differences.Select(d => d.Aspect == "Errno" ? $"Errno({d.Left}/{d.Right})" : d.Aspect).OrderBy(a => a));
    }

    /// <summary>What a fuzzing run did.</summary>
    internal sealed class FuzzReport
    {
        public int Sequences { get; set; }
        public int Steps { get; set; }
        /// <summary>Steps the kernel refused (any errno), so the run is seen to reach the rules, not only the happy path.</summary>
        public int Refusals { get; set; }
        public int GuestAccesses { get; set; }
        public List<Divergence> Divergences { get; } = new List<Divergence>();
        public TimeSpan Elapsed { get; set; }

        public override string ToString() =>
            $"{Sequences} sequences, {Steps} steps ({Refusals} kernel refusals, {GuestAccesses} guest accesses) in {Elapsed.TotalSeconds:F1} s; "
            + $"{Divergences.Count} divergence(s){(Divergences.Count == 0 ? string.Empty : ":\n  " + string.Join("\n  ", Divergences))}";
    }

    /// <summary>
    /// Differential fuzzing: each generated sequence runs step by step on the simulator (profile ThisHost, its
    /// invariants checked after every step) and on /dev/kvm; outcomes must be identical. A divergence stops the
    /// sequence and is shrunk (delta debugging) to the shortest reproducer that still diverges the same way.
    /// </summary>
    internal sealed class DifferentialFuzzer
    {
        private readonly IBackendFactory factory;

        public DifferentialFuzzer(IBackendFactory factory)
        {
            this.factory = factory;
        }

        public static ScenarioTarget Simulator { get; } = ScenarioTarget.Simulator("ThisHost");
        public static ScenarioTarget Kernel => ScenarioTarget.Kvm;

        public FuzzReport Run(int firstSeed, int sequences, int stepsPerSequence, Func<bool>? stop = null)
        {
            var report = new FuzzReport();
            var clock = Stopwatch.StartNew();
            var seen = new HashSet<string>();
            for (int n = 0; n < sequences && !(stop?.Invoke() ?? false); n++)
            {
                int seed = firstSeed + n;
                var divergence = RunSequence(seed, stepsPerSequence, report);
                report.Sequences++;
                if (divergence != null && seen.Add(divergence.Signature)) report.Divergences.Add(divergence);
            }
            report.Elapsed = clock.Elapsed;
            return report;
        }

        /// <summary>Generates and runs one sequence; returns its (shrunk) divergence, if any.</summary>
        public Divergence? RunSequence(int seed, int length, FuzzReport report)
        {
            var generator = new SequenceGenerator(seed);
            var steps = new List<ScenarioStep>();
            using (var simulator = NewRunner(Simulator))
            using (var kernel = NewRunner(Kernel))
            {
                for (int i = 0; i < length; i++)
                {
                    var step = generator.Next();
                    steps.Add(step);
                    var comparison = new ScenarioStepComparison(simulator.Execute(step), kernel.Execute(step));
                    report.Steps++;
                    if (comparison.Right.Errno != GmemPS.Kernel.Errno.None) report.Refusals++;
                    if (step.Kind == "GuestRead" || step.Kind == "GuestWrite") report.GuestAccesses++;
                    if (!comparison.Agree)
                    {
                        var original = new Scenario(steps, $"fuzz seed {seed}");
                        return Shrink(seed, original, Signatures.Of(comparison));
                    }
                    generator.Model.Learn(step, comparison.Left);
                }
            }
            return null;
        }

        private ScenarioRunner NewRunner(ScenarioTarget target) =>
            new ScenarioRunner(factory, target) { DescribeCalls = false };

        /// <summary>The first divergence of a scenario replayed on both backends, or null when they agree.</summary>
        public ScenarioStepComparison? FirstDivergence(Scenario scenario)
        {
            using var simulator = NewRunner(Simulator);
            using var kernel = NewRunner(Kernel);
            foreach (var step in scenario.Steps)
            {
                var comparison = new ScenarioStepComparison(simulator.Execute(step), kernel.Execute(step));
                if (!comparison.Agree) return comparison;
            }
            return null;
        }

        /// <summary>
        /// ddmin over the steps: drop chunks (halves, quarters, …, single steps) while the scenario still diverges
        /// with the same signature, then keep the result with the kernel's outcomes as the expected ones.
        /// </summary>
        public Divergence Shrink(int seed, Scenario original, string signature)
        {
            bool StillDiverges(IReadOnlyList<int> indexes)
            {
                var candidate = original.Subset(indexes);
                var at = FirstDivergence(candidate);
                return at != null && Signatures.Of(at) == signature;
            }

            var kept = Enumerable.Range(0, original.Steps.Count).ToList();
            int chunks = 2;
            while (kept.Count >= 2)
            {
                int size = (int)Math.Ceiling(kept.Count / (double)chunks);
                bool reduced = false;
                for (int start = 0; start < kept.Count; start += size)
                {
                    var complement = kept.Take(start).Concat(kept.Skip(start + size)).ToList();
                    if (complement.Count > 0 && StillDiverges(complement))
                    {
                        kept = complement;
                        chunks = Math.Max(chunks - 1, 2);
                        reduced = true;
                        break;
                    }
                }
                if (reduced) continue;
                if (size == 1) break;
                chunks = Math.Min(chunks * 2, kept.Count);
            }

            var reproducer = original.Subset(kept);
            var judged = Judge(reproducer);
            var divergence = FirstDivergence(judged);
            if (divergence != null) return new Divergence(seed, original, judged, divergence);
            // It did not happen again: an outcome that depends on something outside the sequence (an address the
            // kernel handed out, a descriptor number). Kept whole, as found, so it can be looked at.
            var replay = ScenarioComparer.Compare(factory, original, Simulator, Kernel);
            var at = replay.FirstDivergence ?? replay.Steps[replay.Steps.Count - 1];
            return new Divergence(seed, original, Judge(original), at) { Flaky = true, FoundAs = signature };
        }

        /// <summary>The scenario with the kernel's outcomes (the judge) as its expected outcomes.</summary>
        public Scenario Judge(Scenario scenario)
        {
            var outcomes = ScenarioRunner.Run(factory, scenario, Kernel).Select(r => r.Outcome.WithStates(null)).ToList();
            return new Scenario(scenario.Steps, scenario.Name, "Kvm").WithOutcomes(outcomes, "Kvm");
        }
    }
}
