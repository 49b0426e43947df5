using System;
using System.Collections.Generic;
using System.Globalization;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>Where a scenario runs: a backend and, for the simulator, a host profile (null: the factory's default).</summary>
    public sealed class ScenarioTarget
    {
        public ScenarioTarget(BackendKind backend, string? profile = null)
        {
            Backend = backend;
            Profile = backend == BackendKind.Kvm ? null : profile;
        }

        public BackendKind Backend { get; }
        public string? Profile { get; }

        public static ScenarioTarget Simulator(string? profile = null) => new ScenarioTarget(BackendKind.Simulator, profile);
        public static ScenarioTarget Kvm { get; } = new ScenarioTarget(BackendKind.Kvm);

        public override string ToString() => Backend == BackendKind.Kvm ? "Kvm" : $"Simulator ({Profile ?? "ThisHost"})";
    }

    /// <summary>One step of a run: what was asked, the kernel call the lab made, what came back, and what was expected.</summary>
    public sealed class ScenarioStepResult
    {
        internal ScenarioStepResult(int index, ScenarioStep step, string call, StepOutcome outcome, ScenarioTarget target)
        {
            Index = index;
            Kind = step.Kind;
            Call = call;
            Outcome = outcome;
            Expected = step.Expected;
            Target = target.ToString();
            Differences = step.Expected == null ? (IReadOnlyList<OutcomeDifference>)Array.Empty<OutcomeDifference>() : step.Expected.DifferencesFrom(outcome);
        }

        public int Index { get; }
        public string Kind { get; }
        /// <summary>The kernel call as the lab describes it (<see cref="GmemLab.DescribeCall"/>), or the step when the lab refused it first.</summary>
        public string Call { get; }
        public StepOutcome Outcome { get; }
        public StepOutcome? Expected { get; }
        /// <summary>Where it ran, e.g. "Kvm" or "Simulator (ThisHost)".</summary>
        public string Target { get; }
        /// <summary>How the outcome differs from the recorded one (errno, data, exit, …); empty when none was recorded.</summary>
        public IReadOnlyList<OutcomeDifference> Differences { get; }
        /// <summary>True when the step did what it did when recorded (or nothing was recorded to compare with).</summary>
        public bool AsExpected => Differences.Count == 0;

        public override string ToString() => $"{Index}: {Call} -> {Outcome}";
    }

    /// <summary>
    /// Replays scenario steps into a lab of its own on one backend, step by step, and captures what each did:
    /// the outcome the lab recorded (errno, rule, result, data, guest exit), the object states afterwards, and any
    /// fault — an unexpected exception, or (on a host that can check itself, the simulator) a broken invariant.
    /// </summary>
    public sealed class ScenarioRunner : IDisposable
    {
        public ScenarioRunner(IBackendFactory factory, ScenarioTarget target)
        {
            Target = target;
            Lab = new GmemLab(factory);
        }

        public ScenarioTarget Target { get; }
        /// <summary>The lab the steps run in: its objects are named exactly as the scenario names them.</summary>
        public GmemLab Lab { get; }
        /// <summary>Capture the lab's object states after each step (on by default).</summary>
        public bool CaptureStates { get; set; } = true;
        /// <summary>Check the host's invariants after each step where the host can (on by default).</summary>
        public bool CheckInvariants { get; set; } = true;
        /// <summary>Describe each step's kernel call (on by default; the fuzzer turns it off for speed).</summary>
        public bool DescribeCalls { get; set; } = true;

        private int index;

        /// <summary>Runs a whole scenario on <paramref name="target"/> in a fresh lab and closes it.</summary>
        public static IReadOnlyList<ScenarioStepResult> Run(IBackendFactory factory, Scenario scenario, ScenarioTarget target)
        {
            using var runner = new ScenarioRunner(factory, target);
            return runner.RunAll(scenario);
        }

        public IReadOnlyList<ScenarioStepResult> RunAll(Scenario scenario)
        {
            var results = new List<ScenarioStepResult>(scenario.Steps.Count);
            foreach (var step in scenario.Steps) results.Add(Execute(step));
            return results;
        }

        /// <summary>
        /// Runs one step. Refusals (kernel, lab or contract) are outcomes, not exceptions; only a backend that cannot
        /// run at all (<see cref="GmemEnvironmentException"/>: no /dev/kvm, no permission) stops the run.
        /// </summary>
        public ScenarioStepResult Execute(ScenarioStep step)
        {
            int before = Lab.StepCount;
            Exception? failure = null;
            try
            {
                Dispatch(step);
            }
            catch (GmemEnvironmentException)
            {
                throw;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                failure = e;
            }

            var (outcome, recorded) = OutcomeAfter(Lab, before, failure);
            string call = recorded != null && DescribeCalls ? Lab.DescribeCall(recorded) : step.ToString();
            if (CaptureStates) outcome = outcome.WithStates(Lab.ObjectStates());
            if (CheckInvariants && Lab.ExistingHost(Target.Backend, Target.Profile) is ISelfCheckingHost checkable)
            {
                try
                {
                    checkable.CheckInvariants();
                }
                catch (InvalidOperationException e)
                {
                    outcome = outcome.WithFault(e.Message);
                }
            }
            return new ScenarioStepResult(index++, step, call, outcome, Target);
        }

        /// <summary>
        /// What a step did, from the lab's own record of it when it made one, else from the exception that stopped it
        /// first (an unknown id, a contract check): a kernel refusal keeps its errno and rule, a lab refusal its id, an
        /// argument the contract refused is <see cref="GmemLab.ArgumentRefused"/>, and anything else is a fault.
        /// </summary>
        internal static (StepOutcome Outcome, LabStep? Recorded) OutcomeAfter(GmemLab lab, int stepCountBefore, Exception? failure)
        {
            StepOutcome? refusedFirst = null;
            string? fault = null;
            switch (failure)
            {
                case null:
                    break;
                case GmemException e:
                    refusedFirst = new StepOutcome(e.Errno, e.Rule.Id);
                    break;
                case GmemLabException e:
                    refusedFirst = new StepOutcome(ruleId: e.ErrorId);
                    break;
                case ArgumentException _:
                    refusedFirst = new StepOutcome(ruleId: GmemLab.ArgumentRefused);
                    break;
                default:
                    fault = $"{failure.GetType().Name}: {failure.Message}";
                    refusedFirst = new StepOutcome(ruleId: GmemLab.InternalError);
                    break;
            }
            LabStep? recorded = lab.StepCount > stepCountBefore ? lab.StepAt(lab.StepCount - 1) : null;
            StepOutcome outcome = recorded != null ? StepOutcome.Of(recorded) : refusedFirst ?? new StepOutcome();
            return (fault == null ? outcome : outcome.WithFault(fault), recorded);
        }

        private void Dispatch(ScenarioStep step)
        {
            var lab = Lab;
            switch (step.Kind)
            {
                case "CreateVm":
                    lab.CreateVm(Target.Backend, U64(step, "Type"), Target.Profile);
                    break;
                case "CreateFile":
                    lab.CreateFile(Vm(step), U64(step, "Size"), (GuestMemfdFlags)step.Argument("Flags")!, step.Argument("Reserved0") as ulong? ?? 0);
                    break;
                case "SetMemslot":
                {
                    var vm = Vm(step);
                    var file = step.Argument("File") is string fileId ? lab.FindFile(fileId) : null;
                    var region = (UserMemoryRegion2)step.Argument("Region")!;
                    if (step.Argument("GuestMemfdRef") is string descriptor) region = region with { GuestMemfd = ResolveDescriptor(lab, Target, descriptor) };
                    if (step.Argument("UserspaceRef") is string address) region = region with { UserspaceAddr = ResolveAddress(lab, address) };
                    lab.SetMemslot(vm, region, file);
                    break;
                }
                case "Fallocate":
                    lab.Fallocate(File(step), (FallocateRequest)step.Argument("Request")!);
                    break;
                case "SetAttributes":
                    lab.SetAttributes(Vm(step), (MemoryAttributesRequest)step.Argument("Request")!);
                    break;
                case "Map":
                    lab.Map(File(step), (MapRequest)step.Argument("Request")!, step.Argument("HostView") as bool? ?? false);
                    break;
                case "MapAnonymous":
                    lab.MapAnonymous(Target.Backend, I64(step, "Length"), Target.Profile);
                    break;
                case "HostRead":
                    lab.HostRead(Mapping(step), I64(step, "Offset"), I32(step, "Count"));
                    break;
                case "HostWrite":
                    lab.HostWrite(Mapping(step), I64(step, "Offset"), Bytes(step));
                    break;
                case "Unmap":
                    lab.Unmap(Mapping(step));
                    break;
                case "GuestRead":
                    lab.GuestRead(Vm(step), U64(step, "Gpa"), I32(step, "Count"));
                    break;
                case "GuestWrite":
                    lab.GuestWrite(Vm(step), U64(step, "Gpa"), Bytes(step));
                    break;
                case "FileRead":
                    lab.FileRead(File(step), I32(step, "Count"));
                    break;
                case "FileWrite":
                    lab.FileWrite(File(step), Bytes(step));
                    break;
                case "FilePread":
                    lab.FilePread(File(step), I32(step, "Count"), I64(step, "Offset"));
                    break;
                case "FileTruncate":
                    lab.FileTruncate(File(step), I64(step, "Length"));
                    break;
                case "CloseFile":
                    lab.CloseFile(File(step));
                    break;
                case "CloseVm":
                    lab.CloseVm(Vm(step));
                    break;
                case "CheckExtension":
                {
                    var capability = (Capability)step.Argument("Capability")!;
                    if (step.Argument("Vm") is string) lab.CheckCapability(Vm(step), capability);
                    else lab.CheckCapability(Target.Backend, Target.Profile, capability);
                    break;
                }
                default:
                    throw new ScenarioFormatException("GmemScenarioStepUnsupported", $"\"{step.Kind}\" is not a scenario step.");
            }
        }

        private LabVm Vm(ScenarioStep step) => Lab.FindVm((string)step.Argument("Vm")!);
        private LabFile File(ScenarioStep step) => Lab.FindFile((string)step.Argument("File")!);
        private LabMapping Mapping(ScenarioStep step) => Lab.FindMapping((string)step.Argument("Mapping")!);
        private static ulong U64(ScenarioStep step, string name) => (ulong)step.Argument(name)!;
        private static long I64(ScenarioStep step, string name) => (long)step.Argument(name)!;
        private static int I32(ScenarioStep step, string name) => (int)step.Argument(name)!;
        private static byte[] Bytes(ScenarioStep step) => (byte[])step.Argument("Data")!;

        /// <summary>
        /// The guest_memfd number a descriptor reference stands for in <paramref name="lab"/>: "file:gmem0" and
        /// "vm:vm0" the object's fd (-1 once closed: its number may name another file by now), "kvm" /dev/kvm of
        /// the target's host, a number itself.
        /// </summary>
        public static uint ResolveDescriptor(GmemLab lab, ScenarioTarget target, string reference)
        {
            if (reference == "kvm") return (uint)lab.Host(target.Backend, target.Profile).Fd;
            if (reference.StartsWith("file:", StringComparison.Ordinal))
            {
                var file = lab.FindFile(reference.Substring(5));
                return file.State == LabObjectState.Open ? (uint)file.Fd : GmemLab.ClosedDescriptor;
            }
            if (reference.StartsWith("vm:", StringComparison.Ordinal))
            {
                var vm = lab.FindVm(reference.Substring(3));
                return vm.State == LabObjectState.Open ? (uint)vm.Fd : GmemLab.ClosedDescriptor;
            }
            if (int.TryParse(reference, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number)) return (uint)number;
            throw new ScenarioFormatException("GmemScenarioInvalid",
                $"The scenario is not valid: \"{reference}\" is not a descriptor (file:<id>, vm:<id>, kvm or a number).");
        }

        /// <summary>The host address "map1+0x1000" stands for in <paramref name="lab"/>: that mapping's address plus the offset.</summary>
        public static ulong ResolveAddress(GmemLab lab, string reference)
        {
            int plus = reference.IndexOf('+');
            string offsetText = plus < 0 ? "0x0" : reference.Substring(plus + 1);
            if (!offsetText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                || !ulong.TryParse(offsetText.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong offset))
                throw new ScenarioFormatException("GmemScenarioInvalid",
                    $"The scenario is not valid: \"{reference}\" is not a host address (<mapping>+0x<offset>).");
            var mapping = lab.FindMapping(plus < 0 ? reference : reference.Substring(0, plus));
            return unchecked(mapping.Address + offset);
        }

        public void Dispose() => Lab.Dispose();
    }
}
