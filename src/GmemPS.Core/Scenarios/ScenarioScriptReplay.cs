using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>
    /// What an exported scenario script (<see cref="ScenarioScript"/>) did, step by step, held against the outcomes
    /// recorded in it: the script reports each statement here, and ends by writing the <see cref="Summary"/>.
    /// </summary>
    public sealed class ScenarioScriptReplay
    {
        private readonly GmemLab lab;
        private readonly Scenario scenario;
        private readonly ScenarioTarget target;
        private readonly List<ScenarioStepResult> results = new List<ScenarioStepResult>();

        /// <param name="lab">The lab the script's cmdlets run in.</param>
        /// <param name="scenarioJson">The scenario the script was written from (its JSON form, embedded in the script).</param>
        public ScenarioScriptReplay(GmemLab lab, string scenarioJson, ScenarioTarget target)
        {
            this.lab = lab;
            scenario = Scenario.FromJson(scenarioJson);
            this.target = target;
        }

        /// <summary>
        /// Step <paramref name="index"/> ran: its outcome is what the lab recorded after <paramref name="stepCountBefore"/>,
        /// else what stopped it first (<paramref name="failure"/>: e.g. a parameter naming an object that is not there).
        /// </summary>
        public ScenarioStepResult Add(int index, int stepCountBefore, Exception? failure)
        {
            var (outcome, recorded) = ScenarioRunner.OutcomeAfter(lab, stepCountBefore, Unwrap(failure));
            var step = scenario.Steps[index];
            var result = new ScenarioStepResult(index, step, recorded != null ? lab.DescribeCall(recorded) : step.ToString(), outcome, target);
            results.Add(result);
            return result;
        }

        public ScenarioScriptSummary Summary() => new ScenarioScriptSummary(scenario, target, results.ToList());

        /// <summary>The lab's or kernel's exception inside PowerShell's wrappers (a failed parameter transformation).</summary>
        private static Exception? Unwrap(Exception? failure)
        {
            for (var e = failure; e != null; e = e.InnerException)
                if (e is GmemLabException || e is GmemPS.Kernel.GmemException) return e;
            return failure;
        }
    }

    /// <summary>How a run of an exported scenario script went: how many steps did what they did when recorded.</summary>
    public sealed class ScenarioScriptSummary
    {
        internal ScenarioScriptSummary(Scenario scenario, ScenarioTarget target, IReadOnlyList<ScenarioStepResult> steps)
        {
            Scenario = scenario.Name ?? "scenario";
            Target = target.ToString();
            Steps = steps;
        }

        public string Scenario { get; }
        /// <summary>Where it ran, e.g. "Kvm" or "Simulator (ThisHost)".</summary>
        public string Target { get; }
        /// <summary>Every step's result (Format-Table shows Index, Kind, Outcome, Expected, AsExpected).</summary>
        public IReadOnlyList<ScenarioStepResult> Steps { get; }
        public int StepCount => Steps.Count;
        /// <summary>The steps whose outcome differs from the recorded one.</summary>
        public IReadOnlyList<ScenarioStepResult> Differing => Steps.Where(s => !s.AsExpected).ToList();
        public bool AsExpected => Steps.All(s => s.AsExpected);

        public override string ToString() =>
            $"{Scenario} on {Target}: {StepCount - Differing.Count} of {StepCount} steps as recorded";
    }
}
