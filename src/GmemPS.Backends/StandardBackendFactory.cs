using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kvm;
using GmemPS.Lab;
using GmemPS.Simulator;

namespace GmemPS.Backends
{
    /// <summary>Simulator hosts by profile name; the Kvm host is this machine's /dev/kvm. Host names are resolved here, once.</summary>
    public sealed class StandardBackendFactory : IBackendFactory
    {
        public static readonly StandardBackendFactory Instance = new StandardBackendFactory();

        private static readonly IReadOnlyList<string> SimulatorProfileNames = SimulatorProfile.All.Select(p => p.Name).ToList();

        public string? CanonicalProfile(BackendKind kind, string? profile)
        {
            if (kind == BackendKind.Kvm)
            {
                if (!string.IsNullOrEmpty(profile))
                    throw new GmemUsageException("GmemProfileNotApplicable",
                        $"-Profile '{profile}' names a simulator host profile; the Kvm backend is this machine's /dev/kvm.", "Profile");
                return null;
            }
            if (string.IsNullOrEmpty(profile)) return SimulatorProfile.ThisHost.Name;
            return SimulatorProfileNames.FirstOrDefault(n => string.Equals(n, profile, StringComparison.OrdinalIgnoreCase))
                ?? throw new GmemUsageException("GmemProfileUnknown",
                    $"No simulator profile '{profile}'. Known profiles: {string.Join(", ", SimulatorProfileNames)}.", "Profile");
        }

        public IReadOnlyList<string> ProfileNames(BackendKind kind) => kind == BackendKind.Kvm ? Array.Empty<string>() : SimulatorProfileNames;

        public IGmemHost Create(BackendKind kind, string? canonicalProfile) => kind switch
        {
            BackendKind.Kvm => KvmHost.Open(),
            _ => new SimulatorHost(SimulatorProfile.Named(canonicalProfile)),
        };

        /// <summary>A new lab over both backends.</summary>
        public static GmemLab NewLab() => new GmemLab(Instance);
    }
}
