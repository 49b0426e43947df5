using GmemPS.Kernel;

namespace GmemPS.Lab
{
    /// <summary>Where a KVM_CHECK_EXTENSION was asked: /dev/kvm, or a VM fd (answers can differ by VM type).</summary>
    public enum CapabilityScope
    {
        Host,
        Vm,
    }

    /// <summary>One KVM_CHECK_EXTENSION answer.</summary>
    public sealed class GmemCapabilityInfo
    {
        public GmemCapabilityInfo(Capability name, long value, CapabilityScope scope, BackendKind backend, string? profile, string? vmId)
        {
            Name = name;
            Value = value;
            Scope = scope;
            Backend = backend;
            Profile = profile;
            VmId = vmId;
        }

        public Capability Name { get; }
        /// <summary>The KVM_CAP_* number.</summary>
        public int Number => (int)Name;
        /// <summary>The uapi spelling, e.g. KVM_CAP_GUEST_MEMFD.</summary>
        public string UapiName => "KVM_CAP_" + CapabilityNames.Of(Name);
        /// <summary>What KVM_CHECK_EXTENSION returned: 0 when absent, otherwise 1, a count or a bit mask.</summary>
        public long Value { get; }
        public bool Supported => Value != 0;
        public CapabilityScope Scope { get; }
        public BackendKind Backend { get; }
        public string? Profile { get; }
        /// <summary>The VM asked, when <see cref="Scope"/> is Vm.</summary>
        public string? VmId { get; }

        public override string ToString() => $"{UapiName} = {Value}";
    }

    public sealed partial class GmemLab
    {
        /// <summary>KVM_CHECK_EXTENSION on /dev/kvm of a backend's host.</summary>
        public GmemCapabilityInfo CheckCapability(BackendKind backend, string? profile, Capability capability) =>
            Record("CheckExtension", Args(("Backend", backend), ("Profile", profile), ("Capability", capability)), () =>
                new GmemCapabilityInfo(capability, Host(backend, profile).CheckExtension(capability), CapabilityScope.Host, backend, profile, null),
                info => info.Value);

        /// <summary>KVM_CHECK_EXTENSION on a VM fd.</summary>
        public GmemCapabilityInfo CheckCapability(LabVm vm, Capability capability) =>
            Record("CheckExtension", Args(("Vm", vm.Id), ("Capability", capability)), () =>
            {
                Own(vm);
                return new GmemCapabilityInfo(capability, vm.Handle.CheckExtension(capability), CapabilityScope.Vm, vm.Backend, vm.Profile, vm.Id);
            }, info => info.Value);
    }
}
