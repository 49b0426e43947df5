using System;
using GmemPS.Events;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>
    /// A KVM host: /dev/kvm on the real kernel, or the simulator. Shaped like the uAPI (as rust-vmm
    /// kvm-ioctls is): every method is one kernel operation and every failure a <see cref="GmemException"/>
    /// carrying the kernel's errno. Requests pass through as the kernel receives them.
    /// </summary>
    public interface IGmemHost : IDisposable
    {
        /// <summary>"Simulator" or "Kvm".</summary>
        string BackendName { get; }

        /// <summary>The descriptor number of /dev/kvm (real or simulated), usable as a bad guest_memfd.</summary>
        int Fd { get; }

        /// <summary>KVM_CHECK_EXTENSION on /dev/kvm.</summary>
        long CheckExtension(Capability capability);

        /// <summary>KVM_CREATE_VM with a type (x86: 0 default, 1 SW_PROTECTED, ...).</summary>
        IGmemVm CreateVm(ulong type);

        /// <summary>Anonymous MAP_SHARED memory, e.g. the userspace_addr backing of a slot.</summary>
        IHostMapping MapAnonymous(long length);

        /// <summary>What the backend saw the kernel do, in order.</summary>
        EventLog Events { get; }
    }
}
