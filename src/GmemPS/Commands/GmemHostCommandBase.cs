using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>A cmdlet about a whole host (a backend and, for the simulator, a profile), by value or by property name.</summary>
    public abstract class GmemHostCommandBase : GmemCmdletBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public BackendKind Backend { get; set; } = BackendKind.Simulator;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SimulatorProfileCompleter))]
        public string? Profile { get; set; }

        /// <summary>The canonical profile and the host's name for -WhatIf and errors.</summary>
        protected (string? Profile, string Host) ResolveHost()
        {
            string? profile = CanonicalProfile(Backend, Profile);
            return (profile, BackendProfiles.Describe(Backend, profile));
        }
    }
}
