using System;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;

namespace GmemPS.Kvm
{
    /// <summary>/dev/kvm. (Placeholder until the Kvm backend lands: issue 2.)</summary>
    public sealed class KvmHost : IGmemHost
    {
        private KvmHost() { }

        public static KvmHost Open() =>
            throw new GmemEnvironmentException("KvmBackendNotBuilt", "The Kvm backend is not built yet.");

        public string BackendName => "Kvm";
        public int Fd => -1;
        public EventLog Events { get; } = new EventLog();
        public long CheckExtension(Capability capability) => throw new NotSupportedException();
        public IGmemVm CreateVm(ulong type) => throw new NotSupportedException();
        public IHostMapping MapAnonymous(long length) => throw new NotSupportedException();
        public void Dispose() { }
    }
}
