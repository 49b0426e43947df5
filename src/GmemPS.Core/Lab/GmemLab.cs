using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    /// <summary>
    /// A session: creates kernel objects through a chosen backend, names them (vm0, gmem0, vm0/slot3), finds
    /// them by id, records every operation as a <see cref="LabStep"/>, and closes everything it owns when
    /// disposed. Cmdlets are thin calls into this class. One lock serialises operations, so two threads
    /// sharing a lab see each operation whole.
    /// </summary>
    public sealed partial class GmemLab : IDisposable
    {
        private readonly object gate = new object();
        private readonly IBackendFactory factory;
        private readonly Dictionary<(BackendKind, string?), IGmemHost> hosts = new Dictionary<(BackendKind, string?), IGmemHost>();
        private readonly List<LabVm> vms = new List<LabVm>();
        private readonly List<LabFile> files = new List<LabFile>();
        private readonly List<LabMemslot> memslots = new List<LabMemslot>();
        private readonly List<LabMapping> mappings = new List<LabMapping>();
        private readonly List<LabStep> steps = new List<LabStep>();
        private bool disposed;

        public GmemLab(IBackendFactory factory)
        {
            this.factory = factory;
        }

        /// <summary>Names this session: objects carry it, so one of another session (a job's, another runspace's,
        /// another process's) is refused rather than taken for the object of the same id here.</summary>
        public Guid SessionId { get; } = Guid.NewGuid();

        public IReadOnlyList<LabStep> Steps { get { lock (gate) return steps.ToList(); } }
        public IReadOnlyList<LabVm> Vms { get { lock (gate) return vms.ToList(); } }
        public IReadOnlyList<LabFile> Files { get { lock (gate) return files.ToList(); } }
        public IReadOnlyList<LabMemslot> Memslots { get { lock (gate) return memslots.Where(s => s.State == LabObjectState.Open).ToList(); } }
        public IReadOnlyList<LabMapping> Mappings { get { lock (gate) return mappings.Where(m => m.State == LabObjectState.Open).ToList(); } }

        /// <summary>The host for a backend (and simulator profile), created on first use.</summary>
        public IGmemHost Host(BackendKind kind, string? profile = null)
        {
            lock (gate)
            {
                ThrowIfDisposed();
                // null, "ThisHost" and "thishost" are one host: the factory resolves the spelling once.
                var key = (kind, factory.CanonicalProfile(kind, profile));
                if (!hosts.TryGetValue(key, out IGmemHost? host))
                {
                    host = factory.Create(kind, key.Item2);
                    host.Events.NumberFrom(eventSequence);
                    hosts[key] = host;
                }
                return host;
            }
        }

        public EventLog Events(LabVm vm) => Host(vm.Backend, vm.Profile).Events;

        // ---- lookup ----

        public LabVm FindVm(string id) => Find(vms, id, "VM");
        public LabFile FindFile(string id) => Find(files, id, "guest_memfd");
        public LabMemfd FindMemfd(string id) => Find(memfds, id, "memfd");
        public LabHostReference FindHostReference(string id) => Find(hostReferences, id, "host reference");
        public LabKvmVfioDevice FindKvmVfioDevice(string id) => Find(kvmVfioDevices, id, "kvm-vfio device");
        public LabVfioDevice FindVfioDevice(string id) => Find(vfioDevices, id, "VFIO device");
        public LabGuestFault FindGuestFault(string id) => Find(faults, id, "guest fault");

        public LabMemslot FindMemslot(string vmId, uint slot)
        {
            lock (gate)
            {
                return memslots.LastOrDefault(s => s.Vm.Id == vmId && s.Slot == slot && s.State == LabObjectState.Open)
                    ?? throw new GmemLabException("GmemObjectNotFound", $"VM {vmId} has no memslot {slot} in this session.", $"{vmId}/slot{slot}");
            }
        }

        private T Find<T>(List<T> list, string id, string what) where T : LabObject
        {
            lock (gate)
            {
                return list.FirstOrDefault(o => string.Equals(o.Id, id, StringComparison.OrdinalIgnoreCase))
                    ?? throw new GmemLabException("GmemObjectNotFound", $"No {what} named '{id}' in this session.", id);
            }
        }

        /// <summary>An object handed out by another lab cannot be used here: its descriptors belong to that lab.</summary>
        public void Own(LabObject o)
        {
            if (!ReferenceEquals(o.Lab, this)) throw ForeignObject(o.Id, o.SessionId, o);
        }

        /// <summary>The refusal of an object of another session, live or deserialized (one rule, one id).</summary>
        public GmemLabException ForeignObject(string id, Guid session, object target) =>
            new GmemLabException("GmemForeignObject",
                $"{id} belongs to GmemPS session {session}, not to this one ({SessionId}): each runspace, job and process has its own session, " +
                "and an object is usable only in the session that made it (list this session's objects with Get-GmemVm, Get-GmemFile, Get-Memslot).", target);

        private void ThrowIfDisposed()
        {
            if (disposed) throw new ObjectDisposedException(nameof(GmemLab), "This GmemPS session has been closed.");
        }

        public void Dispose()
        {
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
                // Mappings first (they pin files), then files (they pin VMs), then VM handles, then hosts.
                foreach (var m in mappings) m.Handle.Dispose();
                foreach (var f in files) f.Handle.Dispose();
                foreach (var m in memfds) if (!m.Handle.IsClosed) m.Handle.Close();
                foreach (var d in vfioDevices) if (!d.Handle.IsClosed) d.Handle.Close();
                foreach (var d in kvmVfioDevices) if (!d.Handle.IsClosed) d.Handle.Close();
                foreach (var v in vms) v.Handle.Dispose();
                foreach (var h in hosts.Values) h.Dispose();
                // Objects a script still holds say what is left of them: nothing.
                foreach (var m in mappings) m.State = LabObjectState.Closed;
                foreach (var f in files) f.State = LabObjectState.Closed;
                foreach (var v in vms) MarkDestroyed(v);
            }
        }
    }
}
