using System.Linq;
using GmemPS.Backends;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Scenarios;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Scenarios
{
    /// <summary>Record, replay, compare: the engine in Core, used the way xunit tests (and the cmdlets) use it.</summary>
    public sealed class ScenarioEngineTests
    {
        private static Scenario Recorded(BackendKind backend, string? profile = null)
        {
            using var lab = StandardBackendFactory.NewLab();
            SampleSessions.EveryStepKind(lab, backend, profile);
            return Scenario.FromLab(lab, "every step kind");
        }

        [Fact]
        public void A_session_becomes_a_scenario_of_its_recorded_steps_with_their_outcomes()
        {
            using var lab = StandardBackendFactory.NewLab();
            SampleSessions.EveryStepKind(lab, BackendKind.Simulator);
            var scenario = Scenario.FromLab(lab, "s");
            Assert.Equal(lab.Steps.Select(s => s.Kind), scenario.Steps.Select(s => s.Kind));
            Assert.Equal("Simulator (ThisHost)", scenario.RecordedOn);
            // Every kind of the schema appears, so the sample really covers the contract.
            Assert.Empty(ScenarioSchema.StepKinds.Except(scenario.Steps.Select(s => s.Kind)));
            var bind = scenario.Steps.First(s => s.Kind == "SetMemslot");
            Assert.Equal("file:gmem0", bind.Argument("GuestMemfdRef"));
            Assert.Equal("map0+0x0", bind.Argument("UserspaceRef"));
            Assert.Equal("vm0/slot0", bind.Expected!.Result);
            var kvmAsGmem = scenario.Steps.First(s => s.Kind == "SetMemslot" && (string?)s.Argument("GuestMemfdRef") == "kvm");
            Assert.Equal(Errno.EINVAL, kvmAsGmem.Expected!.Errno);
            Assert.Contains(scenario.Steps, s => (string?)s.Argument("GuestMemfdRef") == "vm:vm0");
            var closed = scenario.Steps.Single(s => s.Kind == "SetMemslot" && (string?)s.Argument("File") == "gmem1");
            Assert.Equal(Errno.EBADF, closed.Expected!.Errno);
            Assert.Equal(GmemLab.ClosedDescriptor, ((UserMemoryRegion2)closed.Argument("Region")!).GuestMemfd);
            var crossing = scenario.Steps.Single(s => s.Kind == "GuestRead" && (ulong)s.Argument("Gpa")! == 0xffe);
            Assert.Equal(GmemLab.ArgumentRefused, crossing.Expected!.RuleId);
            var afterClose = scenario.Steps.Last();
            Assert.Equal(Errno.EBADF, afterClose.Expected!.Errno);
        }

        [Fact]
        public void Json_round_trips_every_argument_and_outcome()
        {
            var scenario = Recorded(BackendKind.Simulator);
            string json = scenario.ToJson();
            var read = Scenario.FromJson(json);
            Assert.Equal(json, read.ToJson());
            Assert.Equal(scenario.Steps.Count, read.Steps.Count);
            for (int i = 0; i < scenario.Steps.Count; i++)
            {
                var (a, b) = (scenario.Steps[i], read.Steps[i]);
                Assert.Equal(a.Kind, b.Kind);
                Assert.Equal(a.Arguments.Keys.OrderBy(k => k), b.Arguments.Keys.OrderBy(k => k));
                foreach (var key in a.Arguments.Keys)
                    if (a.Arguments[key] is byte[] bytes) Assert.Equal(bytes, (byte[])b.Arguments[key]!);
                    else Assert.Equal(a.Arguments[key], b.Arguments[key]);
                Assert.Empty(a.Expected!.DifferencesFrom(b.Expected!));
            }
            // One step per line, 64-bit values in hex.
            Assert.Contains("\"Size\": \"0x200000\"", json);
            Assert.Equal(scenario.Steps.Count, json.Split('\n').Count(l => l.TrimStart().StartsWith("{\"kind\"")));
        }

        [Fact]
        public void A_simulator_recording_replays_as_recorded_on_the_simulator()
        {
            var scenario = Recorded(BackendKind.Simulator);
            var results = ScenarioRunner.Run(StandardBackendFactory.Instance, scenario, ScenarioTarget.Simulator());
            Assert.All(results, r => Assert.True(r.AsExpected, $"{r}: {string.Join("; ", r.Differences)}"));
            Assert.All(results, r => Assert.Null(r.Outcome.Fault));
            Assert.Contains(results, r => r.Outcome.Data != null && r.Outcome.Data.SequenceEqual(new byte[] { 1, 2, 3, 4 }));
        }

        [Fact]
        public void A_kernel_recording_replays_as_recorded_on_the_simulator_and_a_simulator_recording_on_the_kernel()
        {
            using var _ = KvmAvailability.OpenOrSkip();
            var onKernel = Recorded(BackendKind.Kvm);
            Assert.Equal("Kvm", onKernel.RecordedOn);
            var simulated = ScenarioRunner.Run(StandardBackendFactory.Instance, onKernel, ScenarioTarget.Simulator());
            Assert.All(simulated, r => Assert.True(r.AsExpected, $"{r}: {string.Join("; ", r.Differences)}"));
            var onSimulator = Recorded(BackendKind.Simulator);
            var real = ScenarioRunner.Run(StandardBackendFactory.Instance, onSimulator, ScenarioTarget.Kvm);
            Assert.All(real, r => Assert.True(r.AsExpected, $"{r}: {string.Join("; ", r.Differences)}"));
        }

        [Fact]
        public void Compare_runs_both_backends_in_lock_step_and_they_agree()
        {
            using var _ = KvmAvailability.OpenOrSkip();
            var comparison = ScenarioComparer.CompareWithKernel(StandardBackendFactory.Instance, Recorded(BackendKind.Simulator));
            Assert.True(comparison.Agree, comparison.ToString());
            Assert.All(comparison.Steps, s => Assert.NotNull(s.Left.States));
            Assert.Equal(comparison.Steps.Select(s => s.Left.States), comparison.Steps.Select(s => s.Right.States));
        }

        [Fact]
        public void Compare_reports_each_step_where_two_hosts_differ_and_how()
        {
            // A slot of an MMAP file without userspace_addr: upstream faults the guest from the file, this machine's
            // kvm_pvm exits to MMIO (measured). Two simulator profiles show the comparer at work anywhere.
            using var lab = StandardBackendFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, SampleSessions.TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            lab.Bind(file, 0, userspaceAddr: 0);
            lab.GuestRead(vm, 0x1000, 1);
            var comparison = ScenarioComparer.Compare(StandardBackendFactory.Instance, Scenario.FromLab(lab),
                ScenarioTarget.Simulator("ThisHost"), ScenarioTarget.Simulator("Upstream"));
            Assert.False(comparison.Agree);
            var divergence = Assert.Single(comparison.Divergences);
            Assert.Equal(3, divergence.Index);
            Assert.Equal("GuestRead", divergence.Kind);
            var exit = Assert.Single(divergence.Differences, d => d.Aspect == "Exit");
            Assert.Contains("KVM_EXIT_MMIO", exit.Left);
            Assert.Equal("completed", exit.Right);
            Assert.Contains(divergence.Differences, d => d.Aspect == "Data");
        }

        [Fact]
        public void An_unknown_object_is_a_lab_refusal_that_both_backends_share()
        {
            var scenario = new Scenario(new[]
            {
                new ScenarioStep("CloseFile", new System.Collections.Generic.Dictionary<string, object?> { ["File"] = "gmem7" }),
            });
            var result = Assert.Single(ScenarioRunner.Run(StandardBackendFactory.Instance, scenario, ScenarioTarget.Simulator()));
            Assert.Equal("GmemObjectNotFound", result.Outcome.RuleId);
            Assert.True(result.Outcome.RefusedByLab);
        }

        [Theory]
        [InlineData("not json", "not valid JSON")]
        [InlineData("{\"format\": \"GmemPS.Scenario/9\", \"steps\": []}", "\"format\"")]
        [InlineData("{\"format\": \"GmemPS.Scenario/1\", \"steps\": [{\"kind\": \"Reboot\"}]}", "\"Reboot\" is not a scenario step")]
        [InlineData("{\"format\": \"GmemPS.Scenario/1\", \"steps\": [{\"kind\": \"CreateFile\", \"args\": {\"Vm\": \"vm0\"}}]}", "lacks the argument \"Size\"")]
        [InlineData("{\"format\": \"GmemPS.Scenario/1\", \"steps\": [{\"kind\": \"CreateVm\", \"args\": {\"Type\": \"zero\"}}]}", "argument Type")]
        [InlineData("{\"format\": \"GmemPS.Scenario/1\", \"steps\": [{\"kind\": \"CloseVm\", \"args\": {\"Vm\": \"vm0\", \"Force\": true}}]}", "no argument \"Force\"")]
        public void A_malformed_scenario_is_GmemScenarioInvalid_naming_what_is_wrong(string json, string message)
        {
            var e = Assert.Throws<ScenarioFormatException>(() => Scenario.FromJson(json));
            Assert.Equal("GmemScenarioInvalid", e.ErrorId);
            Assert.Contains(message, e.Message);
        }

        [Fact]
        public void Scenario_files_take_their_format_from_the_extension_and_only_json_is_read_back()
        {
            Assert.Equal(ScenarioFileFormat.Json, ScenarioFiles.FormatOf("/tmp/a.JSON"));
            Assert.Equal(ScenarioFileFormat.Ps1, ScenarioFiles.FormatOf("b.ps1"));
            Assert.Null(ScenarioFiles.FormatOf("c.txt"));
            string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gmemps-scenario-" + System.Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(dir);
            try
            {
                var scenario = Recorded(BackendKind.Simulator);
                string json = System.IO.Path.Combine(dir, "s.json"), script = System.IO.Path.Combine(dir, "s.ps1");
                System.IO.File.WriteAllText(json, ScenarioFiles.Render(scenario, ScenarioFileFormat.Json));
                System.IO.File.WriteAllText(script, ScenarioFiles.Render(scenario, ScenarioFileFormat.Ps1));
                Assert.Equal(scenario.Steps.Count, ScenarioFiles.Read(json).Steps.Count);
                var e = Assert.Throws<ScenarioFormatException>(() => ScenarioFiles.Read(script));
                Assert.Equal("GmemScenarioInvalid", e.ErrorId);
                System.IO.File.WriteAllText(json, "{");
                Assert.Contains(json, Assert.Throws<ScenarioFormatException>(() => ScenarioFiles.Read(json)).Message);
            }
            finally
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void A_design_vm_and_its_steps_are_left_out_and_the_rest_is_renamed_as_a_fresh_session_names_it()
        {
            using var lab = StandardBackendFactory.NewLab();
            var design = lab.CreateVm(designs: GmemPS.Designs.DesignPolicies.Upstream with { PinModel = GmemPS.Designs.PinModel.SlotPinsFile });
            lab.CreateFile(design, 0x200000);
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 0x200000);
            lab.Bind(file, gpa: 0);
            var recorded = Scenario.Record(lab);
            Assert.Equal(2, recorded.LeftOut.Count);
            Assert.Contains("SlotPinsFile", recorded.LeftOut[0]);
            Assert.Contains("it works on vm0", recorded.LeftOut[1]);
            Assert.Equal(new[] { "CreateVm", "CreateFile", "SetMemslot" }, recorded.Scenario.Steps.Select(s => s.Kind));
            Assert.Equal("vm0", recorded.Scenario.Steps[1].Argument("Vm"));
            Assert.Equal("gmem0", recorded.Scenario.Steps[2].Argument("File"));
            Assert.Equal("file:gmem0", recorded.Scenario.Steps[2].Argument("GuestMemfdRef"));
            Assert.Equal("vm0/slot0", recorded.Scenario.Steps[2].Expected!.Result);
            Assert.All(ScenarioRunner.Run(StandardBackendFactory.Instance, recorded.Scenario, ScenarioTarget.Simulator()), r => Assert.True(r.AsExpected, r.ToString()));
        }

        [Fact]
        public void A_broken_simulator_invariant_is_a_fault_of_the_step()
        {
            var scenario = new Scenario(new[] { new ScenarioStep("CreateVm", new System.Collections.Generic.Dictionary<string, object?> { ["Type"] = 0UL }) });
            using var runner = new ScenarioRunner(new BrokenInvariantFactory(), ScenarioTarget.Simulator());
            var result = runner.Execute(scenario.Steps[0]);
            Assert.Contains("deliberately broken", result.Outcome.Fault);
            Assert.False(result.Outcome.Succeeded);
        }

        private sealed class BrokenInvariantFactory : Support.StandardNamedFactory
        {
            public override GmemPS.Contract.IGmemHost Create(BackendKind kind, string? canonicalProfile) => new BrokenHost();

            private sealed class BrokenHost : GmemPS.Contract.ISelfCheckingHost
            {
                private readonly GmemPS.Simulator.SimulatorHost inner = new GmemPS.Simulator.SimulatorHost();
                public string BackendName => inner.BackendName;
                public int Fd => inner.Fd;
                public GmemPS.Events.EventLog Events => inner.Events;
                public long CheckExtension(Capability capability) => inner.CheckExtension(capability);
                public GmemPS.Contract.IGmemVm CreateVm(ulong type) => inner.CreateVm(type);
                public GmemPS.Contract.IHostMapping MapAnonymous(long length) => inner.MapAnonymous(length);
                public void CheckInvariants() => throw new System.InvalidOperationException("Simulator invariant broken: deliberately broken");
                public void Dispose() => inner.Dispose();
            }
        }
    }
}
