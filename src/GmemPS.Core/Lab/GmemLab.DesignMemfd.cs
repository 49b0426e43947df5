using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Seed C: the 2021 sealed memfd, its private memslots, and guest faults stepped through get_lock_pfn.
    public sealed partial class GmemLab
    {
        private readonly List<LabMemfd> memfds = new List<LabMemfd>();
        private readonly List<LabGuestFault> faults = new List<LabGuestFault>();

        public IReadOnlyList<LabMemfd> Memfds { get { lock (gate) return memfds.ToArray(); } }

        /// <summary>memfd_create + ftruncate on a design-aware host.</summary>
        public LabMemfd CreateMemfd(BackendKind backend, string? profile, ulong size) =>
            Record("CreateMemfd", Args(("Backend", backend), ("Profile", profile), ("Size", size)), () =>
            {
                var host = Host(backend, profile) as IDesignAwareHost
                    ?? throw new GmemLabException("GmemDesignNotOnKvm", $"The {backend} backend runs upstream Linux only: F_SEAL_GUEST memfds run on the Simulator backend.", backend);
                var memfd = new LabMemfd(this, $"memfd{memfds.Count}", backend, profile, host.CreateMemfd(size));
                memfds.Add(memfd);
                return memfd;
            }, m => m.Id);

        public void SealMemfd(LabMemfd memfd) =>
            Record("SealMemfd", Args(("Memfd", memfd.Id)), () =>
            {
                Own(memfd);
                memfd.Handle.SealGuest();
                return true;
            }, _ => null);

        public void WriteMemfd(LabMemfd memfd, ulong offset, byte[] data) =>
            Record("WriteMemfd", Args(("Memfd", memfd.Id), ("Offset", offset), ("Data", data)), () =>
            {
                Own(memfd);
                memfd.Handle.Write(offset, data);
                return true;
            }, _ => null);

        public void TruncateMemfd(LabMemfd memfd, ulong size) =>
            Record("TruncateMemfd", Args(("Memfd", memfd.Id), ("Size", size)), () =>
            {
                Own(memfd);
                memfd.Handle.Truncate(size);
                return true;
            }, _ => null);

        /// <summary>A private memslot over a sealed memfd: KVM_SET_USER_MEMORY_REGION2 with KVM_MEM_PRIVATE (bit 2, the bit
        /// GUEST_MEMFD later took) and the memfd in the fd field. Upstream refuses a memfd there.</summary>
        public LabMemslot BindMemfd(LabMemfd memfd, LabVm vm, ulong gpa, ulong? size = null, ulong offset = 0, uint? slot = null)
        {
            lock (gate)
            {
                Own(memfd);
                ulong length = size ?? (offset < memfd.Size ? memfd.Size - offset : 0);
                var region = new UserMemoryRegion2(slot ?? LowestFreeSlot(vm), MemslotFlags.GuestMemfd, gpa, length, 0, offset, (uint)memfd.Fd);
                return Record("SetMemslot", Args(("Vm", vm.Id), ("Region", region), ("File", null)), () =>
                {
                    Own(vm);
                    vm.Handle.SetUserMemoryRegion2(region);
                    var created = new LabMemslot(this, vm, region, null, memfd);
                    memslots.Add(created);
                    return created;
                }, s => s.Id);
            }
        }

        /// <summary>A guest fault on a sealed-memfd slot, stopped after KVM looked the page up (and locked it, by design).</summary>
        public LabGuestFault StartGuestFault(LabVm vm, ulong gpa) =>
            Record("StartGuestFault", Args(("Vm", vm.Id), ("Gpa", gpa)), () =>
            {
                Own(vm);
                var fault = new LabGuestFault(this, $"fault{faults.Count}", vm, gpa, DesignVm(vm).StartGuestFault(gpa));
                faults.Add(fault);
                return fault;
            }, f => f.Id);

        public void CompleteGuestFault(LabGuestFault fault) =>
            Record("CompleteGuestFault", Args(("Fault", fault.Id)), () =>
            {
                Own(fault);
                fault.Handle.Complete();
                fault.State = LabObjectState.Closed;
                return true;
            }, _ => null);
    }
}
