using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GmemPS.Lab
{
    /// <summary>What a Get- query found, and one refusal per exact id or number it could not find.</summary>
    public sealed class LabSelection<T>
    {
        public LabSelection(IReadOnlyList<T> found, IReadOnlyList<GmemLabException> missing)
        {
            Found = found;
            Missing = missing;
        }

        public IReadOnlyList<T> Found { get; }
        public IReadOnlyList<GmemLabException> Missing { get; }
    }

    // The Get- cmdlets' lookups. The PowerShell convention: no filter lists what is open (a VM also while its
    // files keep it alive); a wildcard lists the open objects it matches (none is not an error); an exact id names one object whatever its state,
    // and an unknown exact id is a refusal (GmemObjectNotFound).
    public sealed partial class GmemLab
    {
        /// <param name="backend">When given, only the VMs of that backend.</param>
        public LabSelection<LabVm> SelectVms(IEnumerable<string>? ids, BackendKind? backend = null)
        {
            lock (gate) return Select(vms, ids, backend == null ? "VM" : $"{backend} VM", vm => backend == null || vm.Backend == backend);
        }

        /// <param name="vm">When given, only that VM's files.</param>
        public LabSelection<LabFile> SelectFiles(IEnumerable<string>? ids, LabVm? vm = null)
        {
            lock (gate) return Select(files, ids, vm == null ? "guest_memfd" : $"guest_memfd of {vm.Id}", f => vm == null || f.VmObject == vm);
        }

        /// <summary>Open memslots, of one VM or of all, optionally only the given slot ids.</summary>
        public LabSelection<LabMemslot> SelectMemslots(LabVm? vm, IEnumerable<uint>? slots)
        {
            lock (gate)
            {
                var open = memslots.Where(s => s.State == LabObjectState.Open && (vm == null || s.VmObject == vm)).ToList();
                var missing = new List<GmemLabException>();
                if (slots == null)
                    return new LabSelection<LabMemslot>(Ordered(open), missing);
                var wanted = slots.Distinct().ToList();
                foreach (uint slot in wanted.Where(n => open.All(s => s.Slot != n)))
                {
                    string where = vm == null ? "No VM in this session has" : $"VM {vm.Id} has no";
                    missing.Add(new GmemLabException("GmemObjectNotFound",
                        $"{where} memslot {slot}{(vm == null ? "." : " in this session.")}",
                        vm == null ? (object)slot : $"{vm.Id}/slot{slot}"));
                }
                return new LabSelection<LabMemslot>(Ordered(open.Where(s => wanted.Contains(s.Slot))), missing);
            }
        }

        /// <summary>The session's memfds of the 2021 proposal (memfd0, ...).</summary>
        public LabSelection<LabMemfd> SelectMemfds(IEnumerable<string>? ids)
        {
            lock (gate) return Select(memfds, ids, "memfd", _ => true);
        }

        /// <param name="file">When given, only the references on that file's pages.</param>
        public LabSelection<LabHostReference> SelectHostReferences(IEnumerable<string>? ids, LabFile? file = null)
        {
            lock (gate) return Select(hostReferences, ids, file == null ? "host reference" : $"host reference on {file.Id}", r => file == null || r.FileObject == file);
        }

        /// <param name="vm">When given, only that VM's kvm-vfio devices.</param>
        public LabSelection<LabKvmVfioDevice> SelectKvmVfioDevices(IEnumerable<string>? ids, LabVm? vm = null)
        {
            lock (gate) return Select(kvmVfioDevices, ids, vm == null ? "kvm-vfio device" : $"kvm-vfio device of {vm.Id}", d => vm == null || d.VmObject == vm);
        }

        /// <param name="vm">When given, only the VFIO devices whose group was added to that VM's kvm-vfio device.</param>
        public LabSelection<LabVfioDevice> SelectVfioDevices(IEnumerable<string>? ids, LabVm? vm = null)
        {
            lock (gate) return Select(vfioDevices, ids, vm == null ? "VFIO device" : $"VFIO device of {vm.Id}", d => vm == null || d.VmObject == vm);
        }

        /// <param name="vm">When given, only that VM's guest faults.</param>
        public LabSelection<LabGuestFault> SelectGuestFaults(IEnumerable<string>? ids, LabVm? vm = null)
        {
            lock (gate) return Select(faults, ids, vm == null ? "guest fault" : $"guest fault of {vm.Id}", f => vm == null || f.VmObject == vm);
        }

        /// <summary>A memslot by its lab id, "vm0/slot3" (an open slot; a deleted one is not found).</summary>
        public LabMemslot FindMemslot(string id)
        {
            int cut = id.LastIndexOf('/');
            const string prefix = "slot";
            if (cut > 0 && string.Compare(id, cut + 1, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) == 0
                && uint.TryParse(id.Substring(cut + 1 + prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out uint slot))
            {
                string vmId = FindVm(id.Substring(0, cut)).Id;
                return FindMemslot(vmId, slot);
            }
            throw new GmemLabException("GmemObjectNotFound", $"'{id}' is not a memslot id: memslots are named <vm>/slot<n>, e.g. vm0/slot3.", id);
        }

        private static LabSelection<T> Select<T>(List<T> all, IEnumerable<string>? ids, string what, Func<T, bool> scope) where T : LabObject
        {
            var found = new List<T>();
            var missing = new List<GmemLabException>();
            if (ids == null)
            {
                found.AddRange(all.Where(o => o.Listed && scope(o)));
                return new LabSelection<T>(Ordered(found), missing);
            }
            foreach (string id in ids)
            {
                if (IdPattern.HasWildcards(id))
                {
                    found.AddRange(Ordered(all.Where(o => o.Listed && scope(o) && IdPattern.IsMatch(id, o.Id))));
                    continue;
                }
                T? match = all.FirstOrDefault(o => scope(o) && string.Equals(o.Id, id, StringComparison.OrdinalIgnoreCase));
                if (match != null) found.Add(match);
                else missing.Add(new GmemLabException("GmemObjectNotFound", $"No {what} named '{id}' in this session.", id));
            }
            return new LabSelection<T>(found.Distinct().ToList(), missing);
        }

        private static IReadOnlyList<T> Ordered<T>(IEnumerable<T> objects) where T : LabObject =>
            objects.OrderBy(o => o.Id, Comparer<string>.Create(IdPattern.CompareNatural)).ToList();
    }
}
