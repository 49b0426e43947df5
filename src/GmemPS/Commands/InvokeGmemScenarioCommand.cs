using System.Management.Automation;
using GmemPS.Backends;
using GmemPS.Infrastructure;
using GmemPS.Lab;
using GmemPS.Scenarios;

namespace GmemPS.Commands
{
    /// <summary>
    /// Invoke-GmemScenario: replays a scenario step by step on a backend, in a lab of its own (the session is not
    /// touched), and writes each step's outcome next to the recorded one.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "GmemScenario")]
    [OutputType(typeof(ScenarioStepResult))]
    public sealed class InvokeGmemScenarioCommand : GmemScenarioCommandBase
    {
        /// <summary>Simulator (default) or Kvm.</summary>
        [Parameter(Position = 1)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        /// <summary>The simulator host profile (ThisHost by default).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        protected override void ProcessRecord()
        {
            string? profile = CanonicalProfile(Backend, Profile);
            var target = new ScenarioTarget(Backend, profile);
            foreach (var (file, scenario) in Scenarios())
            {
                var results = Produce(file, _ => ScenarioRunner.Run(StandardBackendFactory.Instance, scenario, target));
                if (results == null) continue;
                foreach (var result in results) WriteObject(result);
            }
        }
    }
}
