using System.Collections.Generic;
using System.Linq;
using GmemPS.Lab;
using GmemPS.Simulator;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// One spelling per host: the lab keys hosts by (backend, profile), so "swprotected", "SwProtected" and
    /// the default must all name the same simulator host, and the Kvm host takes no profile.
    /// </summary>
    public static class BackendProfiles
    {
        public static IReadOnlyList<string> SimulatorProfileNames => SimulatorProfile.All.Select(p => p.Name).ToList();

        /// <summary>The canonical profile name for a backend (Simulator: ThisHost when none is given; Kvm: null).</summary>
        /// <exception cref="GmemUsageException">An unknown profile, or a profile for the Kvm backend.</exception>
        public static string? Canonical(BackendKind backend, string? profile)
        {
            if (backend == BackendKind.Kvm)
            {
                if (!string.IsNullOrEmpty(profile))
                    throw new GmemUsageException("GmemProfileNotApplicable",
                        $"-Profile '{profile}' names a simulator host profile; the Kvm backend is this machine's /dev/kvm.", "Profile");
                return null;
            }
            if (string.IsNullOrEmpty(profile)) return SimulatorProfile.ThisHost.Name;
            string? match = SimulatorProfileNames.FirstOrDefault(n => string.Equals(n, profile, System.StringComparison.OrdinalIgnoreCase));
            return match ?? throw new GmemUsageException("GmemProfileUnknown",
                $"No simulator profile '{profile}'. Known profiles: {string.Join(", ", SimulatorProfileNames)}.", "Profile");
        }

        /// <summary>"Simulator host (profile ThisHost)" or "Kvm host (/dev/kvm)", for -WhatIf and messages.</summary>
        public static string Describe(BackendKind backend, string? profile) =>
            backend == BackendKind.Kvm ? "Kvm host (/dev/kvm)" : $"{backend} host (profile {profile ?? SimulatorProfile.ThisHost.Name})";
    }
}
