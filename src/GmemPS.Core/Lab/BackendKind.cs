using System.Collections.Generic;
using GmemPS.Contract;

namespace GmemPS.Lab
{
    public enum BackendKind
    {
        /// <summary>The deterministic model of the kernel (runs anywhere).</summary>
        Simulator,
        /// <summary>The real kernel through /dev/kvm.</summary>
        Kvm,
    }

    /// <summary>Makes hosts for a lab. The module and the tests wire the Simulator and Kvm assemblies in;
    /// Core itself knows neither.</summary>
    public interface IBackendFactory
    {
        /// <summary>
        /// The one spelling of a host, so that every way of naming it reaches the same host: the canonical profile name
        /// (the default profile when none is given), null for a backend without profiles.
        /// </summary>
        /// <exception cref="GmemUsageException">An unknown profile (GmemProfileUnknown), or one for a backend that takes
        /// none (GmemProfileNotApplicable).</exception>
        string? CanonicalProfile(BackendKind kind, string? profile);

        /// <summary>The profile names a backend takes (none for the Kvm backend, which is this machine).</summary>
        IReadOnlyList<string> ProfileNames(BackendKind kind);

        /// <param name="canonicalProfile">What <see cref="CanonicalProfile"/> returned.</param>
        IGmemHost Create(BackendKind kind, string? canonicalProfile);
    }
}
