using System.Collections.Generic;
using System.Management.Automation;
using GmemPS.Events;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Get-GmemEvent: what the backend saw the kernel do (VM and file lifetimes, slots, invalidations,
    /// allocations, attribute changes), oldest first. -Vm picks the host that VM lives on; each host's log
    /// is written once per command even when several of its VMs are piped in.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GmemEvent", DefaultParameterSetName = HostSet)]
    [OutputType(typeof(GmemEvent))]
    public sealed class GetGmemEventCommand : GmemCmdletBase
    {
        private const string HostSet = "Host";
        private const string VmSet = "Vm";
        private readonly HashSet<(BackendKind, string?)> hostsWritten = new HashSet<(BackendKind, string?)>();

        [Parameter(ParameterSetName = VmSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }

        [Parameter(ParameterSetName = HostSet, Position = 0, ValueFromPipeline = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

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
            var vm = Vm;
            BackendKind backend = vm?.Backend ?? Backend;
            string? profile = vm != null ? vm.Profile : CanonicalProfile(Backend, Profile);
            if (!hostsWritten.Add((backend, profile))) return;
            var events = Produce((object?)vm ?? backend, lab => lab.SelectEvents(backend, profile, Since, Kind));
            if (events != null) WriteObject(events, true);
        }
    }
}
