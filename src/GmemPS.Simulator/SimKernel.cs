using System.Collections.Generic;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    /// <summary>
    /// The simulated kernel: one process's descriptor table plus the KVM objects behind it. Every entry
    /// point follows the kernel's order — check everything (in the kernel's check order, so the first
    /// failing rule is the one the kernel reports), then mutate, then invalidate — so a rejected request
    /// changes nothing. One lock serialises entry points, which keeps the model deterministic.
    /// </summary>
    internal sealed partial class SimKernel
    {
        /// <summary>The descriptor /dev/kvm gets: the first free one after stdin/stdout/stderr.</summary>
        public const int KvmDeviceFd = 3;

        private readonly Dictionary<int, object> descriptors = new Dictionary<int, object>();
        private readonly List<SimKvm> liveVms = new List<SimKvm>();
        private readonly List<SimGmemFile> liveFiles = new List<SimGmemFile>();
        private int nextVmId;
        private long nextInode = 1000;

        public SimKernel(SimulatorProfile profile)
        {
            Profile = profile;
            descriptors[KvmDeviceFd] = KvmDevice;
        }

        private readonly KernelLock entry = new KernelLock();

        /// <summary>Serialises entry points: <c>using (kernel.Enter()) { … }</c> around each one (reentrant).</summary>
        public KernelLock.Scope Enter() => entry.Enter();
        public SimulatorProfile Profile { get; }
        public EventLog Events { get; } = new EventLog();

        /// <summary>What /dev/kvm's descriptor refers to.</summary>
        public static readonly object KvmDevice = new object();

        public IReadOnlyList<SimKvm> LiveVms => liveVms;
        public IReadOnlyList<SimGmemFile> LiveFiles => liveFiles;
        public IReadOnlyDictionary<int, object> Descriptors => descriptors;

        /// <summary>Linux hands out the lowest free descriptor number.</summary>
        private int InstallDescriptor(object target)
        {
            int fd = 0;
            while (descriptors.ContainsKey(fd) || fd < 3) fd++;
            descriptors[fd] = target;
            return fd;
        }

        private void Emit(GmemEvent e) => Events.Append(e);

        private static GmemException Refuse(KernelOperation operation, KernelRule rule, object? request, string detail) =>
            new GmemException(operation, rule, request, detail);
    }
}
