using System.Linq;
using System.Management.Automation;
using GmemPS.Backends;
using GmemPS.Infrastructure;
using GmemPS.Lab;
using GmemPS.Scenarios;

namespace GmemPS.Commands
{
    /// <summary>
    /// Compare-GmemScenario: runs a scenario on the simulator and on the kernel (/dev/kvm) in lock-step and, like
    /// Compare-Object, writes the steps where the outcomes differ (errno, data read, guest exit, object states, or a
    /// simulator invariant); -IncludeEqual writes every step.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "GmemScenario")]
    [OutputType(typeof(ScenarioStepComparison))]
    public sealed class CompareGmemScenarioCommand : GmemScenarioCommandBase
    {
        /// <summary>The simulator host profile to hold against the kernel (ThisHost, the model of this machine, by default).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>Writes the steps that agree too.</summary>
        [Parameter]
        public SwitchParameter IncludeEqual { get; set; }

        protected override void ProcessRecord()
        {
            string? profile = CanonicalProfile(BackendKind.Simulator, Profile);
            foreach (var (file, scenario) in Scenarios())
            {
                var comparison = Produce(file, _ => ScenarioComparer.Compare(StandardBackendFactory.Instance, scenario,
                    ScenarioTarget.Simulator(profile), ScenarioTarget.Kvm));
                if (comparison == null) continue;
                WriteVerbose($"{file}: {comparison}");
                foreach (var step in comparison.Steps.Where(s => IncludeEqual || !s.Agree)) WriteObject(step);
            }
        }
    }
}
