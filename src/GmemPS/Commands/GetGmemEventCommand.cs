using System.Collections.Generic;
using System.Management.Automation;
using GmemPS.Events;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Get-GmemEvent: what the backends saw the kernel do (VM and file lifetimes, slots, invalidations,
    /// allocations, attribute changes), oldest first, numbered in one order per session. Without arguments,
    /// every backend the session used; -Backend/-Profile one host's log; -Vm only the events about that VM.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GmemEvent", DefaultParameterSetName = HostSet)]
    [OutputType(typeof(GmemEvent))]
    public sealed class GetGmemEventCommand : GmemCmdletBase
    {
        private const string HostSet = "Host";
        private const string VmSet = "Vm";
        private readonly HashSet<(BackendKind, string?)> hostsWritten = new HashSet<(BackendKind, string?)>();
        private BackendKind backend = BackendKind.Simulator;
        /// <summary>Set by binding, from the command line or the pipeline: then one host's log, else all of them.</summary>
        private bool backendGiven;

        [Parameter(ParameterSetName = VmSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        [Parameter(ParameterSetName = HostSet, Position = 0, ValueFromPipeline = true)]
        public BackendKind Backend
        {
            get => backend;
            set
            {
                backend = value;
                backendGiven = true;
            }
        }

        [Parameter(ParameterSetName = HostSet)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>Event kinds (class names such as PagesFreed); wildcards allowed.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(EventKindCompleter))]
        public string[]? Kind { get; set; }

        /// <summary>Only events with a sequence number above this one.</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public long Since { get; set; }

        protected override void ProcessRecord()
        {
            IReadOnlyList<GmemEvent>? events;
            if (Vm is LabVm vm)
                events = Produce(vm, lab => lab.SelectEvents(vm, Since, Kind));
            else if (backendGiven || IsGiven(nameof(Profile)))
            {
                string? profile = CanonicalProfile(Backend, Profile);
                if (!hostsWritten.Add((Backend, profile))) return;
                events = Produce(Backend, lab => lab.SelectEvents(Backend, profile, Since, Kind));
            }
            else
                events = Produce(null, lab => lab.SelectEvents(Since, Kind));
            if (events != null) WriteObject(events, true);
        }
    }
}
