using GmemPS.Contract;
using GmemPS.Kvm;
using GmemPS.Lab;
using GmemPS.Simulator;

namespace GmemPS.Backends
{
    /// <summary>Simulator hosts by profile name; the Kvm host is this machine's /dev/kvm.</summary>
    public sealed class StandardBackendFactory : IBackendFactory
    {
        public static readonly StandardBackendFactory Instance = new StandardBackendFactory();

        public IGmemHost Create(BackendKind kind, string? profile) => kind switch
        {
            BackendKind.Kvm => KvmHost.Open(),
            _ => new SimulatorHost(SimulatorProfile.Named(profile)),
        };

        /// <summary>A new lab over both backends.</summary>
        public static GmemLab NewLab() => new GmemLab(Instance);
    }
}
