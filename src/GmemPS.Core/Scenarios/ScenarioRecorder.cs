using System.Collections.Generic;
using System.Linq;
using GmemPS.Designs;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>Turns a lab's recorded steps (the one record of what a session did) into a scenario.</summary>
    internal static class ScenarioRecorder
    {
        public static Scenario Record(GmemLab lab, string? name)
        {
            var steps = new List<ScenarioStep>();
            var hosts = new SortedSet<string>();
            foreach (LabStep step in lab.Steps)
            {
                // A backend that could not even open (no /dev/kvm) made no kernel call: nothing to replay.
                if (step.BackendUnavailable) continue;
                var schema = ScenarioSchema.ArgumentsOf(step.Kind)
                    ?? throw Unsupported(step, $"{step.Kind} is an operation of the designs argued on the lists, which only the simulator runs");
                if (step.Kind == "CreateVm" && step.Arguments.TryGetValue("Designs", out object? designs)
                    && designs is DesignPolicies d && !d.IsUpstream)
                    throw Unsupported(step, $"the VM runs the designs {d}, which only the simulator runs");
                if (step.Arguments.TryGetValue("Backend", out object? backend) && backend != null)
                    hosts.Add(Describe((BackendKind)backend, step.Arguments.TryGetValue("Profile", out object? p) ? p as string : null));
                var arguments = new Dictionary<string, object?>();
                foreach (var argument in schema)
                    if (step.Arguments.TryGetValue(argument.Name, out object? value) && value != null)
                        arguments[argument.Name] = value;
                steps.Add(new ScenarioStep(step.Kind, arguments, StepOutcome.Of(step)));
            }
            return new Scenario(steps, name, hosts.Count == 0 ? null : string.Join(" + ", hosts));
        }

        private static string Describe(BackendKind backend, string? profile) =>
            backend == BackendKind.Kvm ? "Kvm" : $"Simulator ({profile ?? "ThisHost"})";

        private static ScenarioFormatException Unsupported(LabStep step, string why) =>
            new ScenarioFormatException("GmemScenarioStepUnsupported",
                $"Step {step.Index} ({step.Kind}) cannot be part of a scenario: {why}. A scenario holds the uAPI steps both backends run ({string.Join(", ", ScenarioSchema.StepKinds.OrderBy(k => k))}).");
    }
}
