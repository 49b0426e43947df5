using GmemPS.Contract;
using GmemPS.Simulator;

namespace GmemPS.Tests.Conformance
{
    /// <summary>The suite on the simulator as this machine's kernel (profile ThisHost).</summary>
    public sealed class SimulatorConformance : ConformanceSuite
    {
        protected override IGmemHost OpenHost() => new SimulatorHost(SimulatorProfile.ThisHost);
    }

    /// <summary>The suite on a simulated host with SW_PROTECTED VMs and memory attributes (§5.3, §5.4 run here).</summary>
    public sealed class SimulatorSwProtectedConformance : ConformanceSuite
    {
        protected override IGmemHost OpenHost() => new SimulatorHost(SimulatorProfile.SwProtected);
        protected override bool IsThisMachinesKernel => false;
        protected override bool GmemOnlySlotsFaultFromFile => true;
    }
}

namespace GmemPS.Tests.Conformance
{
    /// <summary>The suite on this machine's kernel through /dev/kvm: the judge the simulator must agree with.</summary>
    public sealed class KvmConformance : ConformanceSuite
    {
        protected override IGmemHost OpenHost() => Support.KvmAvailability.OpenOrSkip();
    }
}
