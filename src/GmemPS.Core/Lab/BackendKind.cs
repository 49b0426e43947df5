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
        /// <param name="profile">A simulator host profile name (null: this machine's kernel).</param>
        IGmemHost Create(BackendKind kind, string? profile);
    }
}
