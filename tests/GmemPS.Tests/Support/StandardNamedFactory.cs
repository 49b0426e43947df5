using System.Collections.Generic;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Lab;

namespace GmemPS.Tests.Support
{
    /// <summary>A test's own backend factory: host names resolve as the standard factory resolves them, only the hosts differ.</summary>
    internal abstract class StandardNamedFactory : IBackendFactory
    {
        public string? CanonicalProfile(BackendKind kind, string? profile) => StandardBackendFactory.Instance.CanonicalProfile(kind, profile);

        public IReadOnlyList<string> ProfileNames(BackendKind kind) => StandardBackendFactory.Instance.ProfileNames(kind);

        public abstract IGmemHost Create(BackendKind kind, string? canonicalProfile);
    }
}
