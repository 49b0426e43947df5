using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>
    /// What a session did, as data that replays on any backend: the ordered steps (a kind and its arguments,
    /// objects named by lab id, descriptors and host addresses named by what they referred to) and the outcome
    /// each step had when it was recorded.
    /// </summary>
    public sealed class Scenario
    {
        /// <summary>The format tag every scenario file starts with.</summary>
        public const string FormatTag = "GmemPS.Scenario/1";

        public Scenario(IEnumerable<ScenarioStep> steps, string? name = null, string? recordedOn = null)
        {
            Steps = steps.ToList();
            Name = name;
            RecordedOn = recordedOn;
        }

        public string? Name { get; }
        /// <summary>The backend (and simulator profile) the outcomes were recorded on, e.g. "Kvm".</summary>
        public string? RecordedOn { get; }
        public IReadOnlyList<ScenarioStep> Steps { get; }

        /// <summary>
        /// The upstream steps a lab recorded, as a scenario (<see cref="ScenarioSchema"/>): design steps, design VMs
        /// and what works on them are left out (see <see cref="Record"/>).
        /// </summary>
        public static Scenario FromLab(GmemLab lab, string? name = null) => Record(lab, name).Scenario;

        /// <summary>The session's upstream steps as a scenario, and the design steps left out of it.</summary>
        public static RecordedScenario Record(GmemLab lab, string? name = null) => ScenarioRecorder.Record(lab, name);

        /// <summary>Only the steps at <paramref name="indexes"/>, in their order (what a shrinker tries).</summary>
        public Scenario Subset(IEnumerable<int> indexes) =>
            new Scenario(indexes.Distinct().OrderBy(i => i).Select(i => Steps[i]), Name, RecordedOn);

        /// <summary>The same steps with the outcomes of a run as their expected outcomes.</summary>
        public Scenario WithOutcomes(IReadOnlyList<StepOutcome> outcomes, string recordedOn)
        {
            if (outcomes.Count != Steps.Count)
                throw new ArgumentException($"{outcomes.Count} outcomes for {Steps.Count} steps.", nameof(outcomes));
            return new Scenario(Steps.Select((s, i) => s.WithExpected(outcomes[i])), Name, recordedOn);
        }

        public string ToJson() => ScenarioJson.Write(this);

        /// <summary>Reads a scenario; malformed text or an unknown step is a <see cref="ScenarioFormatException"/>.</summary>
        public static Scenario FromJson(string json) => ScenarioJson.Read(json);

        /// <summary>An equivalent PowerShell script: the same steps as GmemPS cmdlet calls.</summary>
        /// <param name="modulePath">The GmemPS manifest the script imports when GmemPS is not installed.</param>
        /// <param name="leftOut">What the session did that the scenario leaves out, one line each (<see cref="RecordedScenario.LeftOut"/>).</param>
        public string ToPowerShell(string? modulePath = null, IReadOnlyList<string>? leftOut = null) => ScenarioScript.Write(this, modulePath, leftOut);

        public override string ToString() => $"{Name ?? "scenario"} ({Steps.Count} steps)";
    }

    /// <summary>One step: what to do (a <see cref="Lab.LabStep"/> kind and its arguments) and what it did when recorded.</summary>
    public sealed class ScenarioStep
    {
        public ScenarioStep(string kind, IReadOnlyDictionary<string, object?> arguments, StepOutcome? expected = null)
        {
            Kind = kind;
            Arguments = arguments;
            Expected = expected;
        }

        public string Kind { get; }
        public IReadOnlyDictionary<string, object?> Arguments { get; }
        /// <summary>The outcome when the scenario was recorded (null for a generated step not yet run).</summary>
        public StepOutcome? Expected { get; }

        public ScenarioStep WithExpected(StepOutcome? expected) => new ScenarioStep(Kind, Arguments, expected);

        /// <summary>An argument, or null when absent.</summary>
        public object? Argument(string name) => Arguments.TryGetValue(name, out object? value) ? value : null;

        public override string ToString() =>
            Kind + " " + string.Join(", ", Arguments.Where(a => a.Value != null).Select(a => $"{a.Key} {ScenarioValues.Show(a.Value)}"));
    }

    /// <summary>A scenario text that cannot be read, or a session step that cannot become a scenario step.</summary>
    public sealed class ScenarioFormatException : Exception
    {
        public ScenarioFormatException(string errorId, string message, Exception? inner = null) : base(message, inner)
        {
            ErrorId = errorId;
        }

        /// <summary>GmemScenarioInvalid (malformed file) or GmemScenarioStepUnsupported (a step no scenario can hold).</summary>
        public string ErrorId { get; }
    }
}
