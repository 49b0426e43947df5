using System.Collections.Generic;
using System.Linq;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>One step run on two backends: both outcomes and where they differ.</summary>
    public sealed class ScenarioStepComparison
    {
        internal ScenarioStepComparison(ScenarioStepResult left, ScenarioStepResult right)
        {
            LeftResult = left;
            RightResult = right;
            Differences = left.Outcome.DifferencesFrom(right.Outcome);
        }

        public int Index => LeftResult.Index;
        public string Kind => LeftResult.Kind;
        /// <summary>The kernel call, as the left backend's lab describes it.</summary>
        public string Call => LeftResult.Call;
        public string LeftTarget => LeftResult.Target;
        public string RightTarget => RightResult.Target;
        public StepOutcome Left => LeftResult.Outcome;
        public StepOutcome Right => RightResult.Outcome;
        public ScenarioStepResult LeftResult { get; }
        public ScenarioStepResult RightResult { get; }
        public IReadOnlyList<OutcomeDifference> Differences { get; }
        public bool Agree => Differences.Count == 0;

        public override string ToString() =>
            Agree ? $"{Index}: {Kind} agree: {Left}" : $"{Index}: {Call}: {string.Join("; ", Differences)}";
    }

    /// <summary>A scenario run on two backends, step by step.</summary>
    public sealed class ScenarioComparison
    {
        internal ScenarioComparison(Scenario scenario, ScenarioTarget left, ScenarioTarget right, IReadOnlyList<ScenarioStepComparison> steps)
        {
            Scenario = scenario;
            Left = left;
            Right = right;
            Steps = steps;
        }

        public Scenario Scenario { get; }
        public ScenarioTarget Left { get; }
        public ScenarioTarget Right { get; }
        public IReadOnlyList<ScenarioStepComparison> Steps { get; }
        public IReadOnlyList<ScenarioStepComparison> Divergences => Steps.Where(s => !s.Agree).ToList();
        public bool Agree => Steps.All(s => s.Agree);
        /// <summary>The first step where the backends part ways (null when they agree throughout).</summary>
        public ScenarioStepComparison? FirstDivergence => Steps.FirstOrDefault(s => !s.Agree);

        public override string ToString() =>
            Agree
                ? $"{Left} and {Right} agree on all {Steps.Count} steps"
                : $"{Left} and {Right} differ at {Divergences.Count} of {Steps.Count} steps, first: {FirstDivergence}";
    }

    /// <summary>
    /// Runs a scenario on two backends (by default the simulator as this machine's kernel, and the kernel itself)
    /// and reports, step by step, where the outcomes differ: errno, lab refusal, result, data read, guest exit,
    /// object states, and faults. Rule ids are not compared: the Kvm backend only knows the errno.
    /// </summary>
    public static class ScenarioComparer
    {
        public static ScenarioComparison Compare(IBackendFactory factory, Scenario scenario, ScenarioTarget left, ScenarioTarget right)
        {
            using var l = new ScenarioRunner(factory, left);
            using var r = new ScenarioRunner(factory, right);
            var steps = new List<ScenarioStepComparison>(scenario.Steps.Count);
            // Step by step, in lock-step: both labs hold the same objects when a step runs.
            foreach (var step in scenario.Steps) steps.Add(new ScenarioStepComparison(l.Execute(step), r.Execute(step)));
            return new ScenarioComparison(scenario, left, right, steps);
        }

        /// <summary>The simulator as this machine's kernel (profile ThisHost) against /dev/kvm.</summary>
        public static ScenarioComparison CompareWithKernel(IBackendFactory factory, Scenario scenario) =>
            Compare(factory, scenario, ScenarioTarget.Simulator("ThisHost"), ScenarioTarget.Kvm);
    }
}
