using System.Collections.Generic;
using GmemPS.Backends;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>The cmdlets' view of host names: the backend factory resolves them (one spelling per host).</summary>
    public static class BackendProfiles
    {
        public static IReadOnlyList<string> SimulatorProfileNames => StandardBackendFactory.Instance.ProfileNames(BackendKind.Simulator);

        /// <summary>The canonical profile name for a backend (Simulator: the default profile when none is given; Kvm: null).</summary>
        /// <exception cref="GmemUsageException">An unknown profile, or a profile for the Kvm backend.</exception>
        public static string? Canonical(BackendKind backend, string? profile) => StandardBackendFactory.Instance.CanonicalProfile(backend, profile);

        /// <summary>"Simulator host (profile ThisHost)" or "Kvm host (/dev/kvm)", for -WhatIf and messages.</summary>
        public static string Describe(BackendKind backend, string? profile) =>
            backend == BackendKind.Kvm ? "Kvm host (/dev/kvm)" : $"{backend} host (profile {Canonical(backend, profile)})";
    }
}
