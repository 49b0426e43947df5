using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // The designs argued on the mailing lists, next to upstream: only a design-aware host (the simulator) runs
    // them. The Kvm backend is this machine's kernel, which runs upstream and nothing else.
    public sealed partial class GmemLab
    {
        /// <summary>The host of a backend, as one that can run <paramref name="designs"/>.</summary>
        private IDesignAwareHost DesignHost(BackendKind backend, string? profile, DesignPolicies designs)
        {
            string? conflict = designs.Conflict();
            if (conflict != null)
                throw new GmemLabException("GmemDesignConflict", $"Design policies {designs}: {conflict}.", designs);
            return Host(backend, profile) as IDesignAwareHost
                ?? throw new GmemLabException("GmemDesignNotOnKvm",
                    $"The {backend} backend runs upstream Linux only; the design policies {designs} run on the Simulator backend.", designs);
        }

        /// <summary>The design-only ioctls of a VM (a VM of a design-aware host).</summary>
        private static IDesignVm DesignVm(LabVm vm) =>
            vm.Handle as IDesignVm
            ?? throw new GmemLabException("GmemDesignNotOnKvm", $"{vm.Id} is a VM of the {vm.Backend} backend, which runs upstream Linux only.", vm);

        /// <summary>
        /// KVM_CREATE_GUEST_MEMFD on /dev/kvm (seed A's system ioctl): upstream refuses it; under
        /// <see cref="PinModel.SlotPinsFile"/> the file has no owner until its first bind.
        /// </summary>
        public LabFile CreateSystemFile(BackendKind backend, string? profile, ulong size, GuestMemfdFlags flags, DesignPolicies designs) =>
            Record("CreateSystemFile", Args(("Backend", backend), ("Profile", profile), ("Size", size), ("Flags", flags), ("Designs", designs)), () =>
            {
                IGuestMemfd handle = DesignHost(backend, profile, designs).CreateGuestMemfd(new CreateGuestMemfdRequest(size, flags), designs);
                var file = new LabFile(this, $"gmem{files.Count}", null, backend, profile, handle);
                files.Add(file);
                LearnKernelNumber(file);
                return file;
            }, f => f.Id);

        /// <summary>KVM_LINK_GUEST_MEMFD (the link RFC): a view of <paramref name="source"/>'s inode owned by <paramref name="vm"/>.</summary>
        public LabFile LinkFile(LabVm vm, LabFile source) =>
            Record("LinkFile", Args(("Vm", vm.Id), ("Source", source.Id)), () =>
            {
                Own(vm);
                Own(source);
                IGuestMemfd handle = DesignVm(vm).LinkGuestMemfd(source.Handle);
                var file = new LabFile(this, $"gmem{files.Count}", vm, handle);
                files.Add(file);
                LearnKernelNumber(file);
                return file;
            }, f => f.Id);
    }
}
