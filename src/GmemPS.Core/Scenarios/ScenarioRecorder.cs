using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GmemPS.Designs;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>
    /// Turns a lab's recorded steps (the one record of what a session did) into a scenario of the upstream steps.
    /// The designs run on the simulator only, so a design step, a VM that runs designs, and every step on an object
    /// that came from one are left out (and named in <see cref="RecordedScenario.LeftOut"/>); the objects that stay
    /// are renamed as a fresh session names them (vm0, gmem0, map0 ... in creation order), so the scenario replays.
    /// </summary>
    internal static class ScenarioRecorder
    {
        public static RecordedScenario Record(GmemLab lab, string? name)
        {
            var steps = new List<ScenarioStep>();
            var leftOut = new List<string>();
            var hosts = new SortedSet<string>();
            var ids = new IdRenaming();
            foreach (LabStep step in lab.Steps)
            {
                // A backend that could not even open (no /dev/kvm) made no kernel call: nothing to replay.
                if (step.BackendUnavailable) continue;
                var outcome = StepOutcome.Of(step);
                string? why = DesignReason(step, ids);
                if (why != null)
                {
                    if (outcome.Result != null) ids.LeaveOut(outcome.Result);
                    leftOut.Add($"step {step.Index} ({step.Kind}{(outcome.Result == null ? string.Empty : " -> " + outcome.Result)}): {why}");
                    continue;
                }
                var schema = ScenarioSchema.ArgumentsOf(step.Kind)!;
                if (step.Arguments.TryGetValue("Backend", out object? backend) && backend != null)
                    hosts.Add(Describe((BackendKind)backend, step.Arguments.TryGetValue("Profile", out object? p) ? p as string : null));
                var arguments = new Dictionary<string, object?>();
                foreach (var argument in schema)
                    if (step.Arguments.TryGetValue(argument.Name, out object? value) && value != null)
                        arguments[argument.Name] = ids.Renamed(argument.Name, value);
                if (outcome.Succeeded && outcome.Result != null) ids.Created(step.Kind, outcome.Result);
                steps.Add(new ScenarioStep(step.Kind, arguments, ids.Renamed(outcome)));
            }
            return new RecordedScenario(new Scenario(steps, name, hosts.Count == 0 ? null : string.Join(" + ", hosts)), leftOut);
        }

        /// <summary>Why a step only runs on the simulator (null: it is an upstream step on upstream objects).</summary>
        private static string? DesignReason(LabStep step, IdRenaming ids)
        {
            if (ScenarioSchema.ArgumentsOf(step.Kind) == null)
                return $"{step.Kind} is an operation of the designs argued on the lists, which only the simulator runs";
            if (step.Kind == "CreateVm" && step.Arguments.TryGetValue("Designs", out object? designs)
                && designs is DesignPolicies d && !d.IsUpstream)
                return $"the VM runs the designs {d}, which only the simulator runs";
            string? designObject = step.Arguments.Values.OfType<string>().Select(ids.LeftOutObjectIn).FirstOrDefault(o => o != null);
            return designObject == null ? null : $"it works on {designObject}, which is left out";
        }

        private static string Describe(BackendKind backend, string? profile) =>
            backend == BackendKind.Kvm ? "Kvm" : $"Simulator ({profile ?? "ThisHost"})";

        /// <summary>
        /// The session's ids against a fresh session's: left-out objects, and the new name of each kept one. Ids
        /// appear bare (vm1, gmem2, map0), in slot ids (vm1/slot3), in descriptor references (file:gmem2, vm:vm1)
        /// and in address references (map1+0x1000).
        /// </summary>
        private sealed class IdRenaming
        {
            private static readonly (string Kind, string Prefix)[] Creations = { ("CreateVm", "vm"), ("CreateFile", "gmem"), ("Map", "map"), ("MapAnonymous", "map") };
            private readonly HashSet<string> leftOut = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, string> names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, int> next = new Dictionary<string, int>(StringComparer.Ordinal);

            public void LeaveOut(string id) => leftOut.Add(id);

            /// <summary>Names the object a kept step created as the next one of its kind in a fresh session.</summary>
            public void Created(string kind, string id)
            {
                foreach (var (creation, prefix) in Creations)
                {
                    if (creation != kind) continue;
                    next.TryGetValue(prefix, out int n);
                    next[prefix] = n + 1;
                    names[id] = prefix + n.ToString(CultureInfo.InvariantCulture);
                }
            }

            /// <summary>The left-out object a recorded string refers to, if any.</summary>
            public string? LeftOutObjectIn(string text)
            {
                string id = ObjectOf(text);
                return leftOut.Contains(id) ? id : null;
            }

            public object Renamed(string argument, object value) =>
                value is string text && argument != "Capability" ? Rename(text) : value;

            public StepOutcome Renamed(StepOutcome outcome) =>
                outcome.Result == null ? outcome : outcome.WithResult(Rename(outcome.Result));

            private string Rename(string text)
            {
                string id = ObjectOf(text);
                if (!names.TryGetValue(id, out string? name)) return text;
                int at = text.IndexOf(id, StringComparison.OrdinalIgnoreCase);
                return text.Substring(0, at) + name + text.Substring(at + id.Length);
            }

            /// <summary>"file:gmem2" -> gmem2, "map1+0x10" -> map1, "vm1/slot3" -> vm1, "vm0" -> vm0.</summary>
            private static string ObjectOf(string text)
            {
                int colon = text.IndexOf(':');
                string rest = colon >= 0 ? text.Substring(colon + 1) : text;
                int end = rest.IndexOfAny(new[] { '+', '/' });
                return end >= 0 ? rest.Substring(0, end) : rest;
            }
        }
    }

    /// <summary>A session's scenario and what was left out of it (the steps only the simulator runs), one line each.</summary>
    public sealed class RecordedScenario
    {
        internal RecordedScenario(Scenario scenario, IReadOnlyList<string> leftOut)
        {
            Scenario = scenario;
            LeftOut = leftOut;
        }

        public Scenario Scenario { get; }
        public IReadOnlyList<string> LeftOut { get; }
    }
}
