using System;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;

namespace GmemPS.Simulator
{
    public sealed class SimulatorHost : IGmemHost
    {
        public SimulatorHost(SimulatorProfile? profile = null) { Profile = profile ?? SimulatorProfile.ThisHost; }
        public SimulatorProfile Profile { get; }
        public string BackendName => "Simulator";
        public int Fd => 3;
        public EventLog Events { get; } = new EventLog();
        public long CheckExtension(Capability capability) => throw new NotImplementedException();
        public IGmemVm CreateVm(ulong type) => throw new NotImplementedException();
        public IHostMapping MapAnonymous(long length) => throw new NotImplementedException();
        public void Dispose() { }
    }
}
