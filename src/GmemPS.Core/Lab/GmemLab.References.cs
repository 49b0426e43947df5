using System.Globalization;
using System.Linq;
using System.Text;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // What the raw numbers of a request referred to when it was made. Descriptor numbers and host addresses
    // differ from one backend to the other (and from run to run), so a recorded step names the object behind
    // them: a scenario replays "the fd of gmem0" or "map1 + 0x1000", not 7 or 0x7f3a…
    public sealed partial class GmemLab
    {
        /// <summary>The rule id of a request the contract's own argument checks refused (no kernel call was made).</summary>
        public const string ArgumentRefused = "GmemArgumentOutOfRange";

        /// <summary>The rule id of a step that failed with an exception GmemPS does not expect (a bug, reported as one).</summary>
        public const string InternalError = "GmemInternalError";

        /// <summary>The guest_memfd field the kernel gets for a closed descriptor: -1, which no process has open.</summary>
        public const uint ClosedDescriptor = uint.MaxValue;

        /// <summary>
        /// The number to pass for a file: its fd, or -1 once closed. A closed fd's number may already name
        /// another file (Linux reuses the lowest free number), so it never goes to the kernel again; -1 gets
        /// the kernel's own EBADF at the point of its check order where it looks the descriptor up.
        /// </summary>
        private static uint DescriptorOf(LabFile file) => file.Handle.IsClosed ? ClosedDescriptor : (uint)file.Fd;

        /// <summary>
        /// What a guest_memfd field names, as a scenario writes it: "file:gmem0", "vm:vm1", "kvm" (/dev/kvm of the
        /// VM's host) or the number itself ("-1").
        /// </summary>
        private string DescriptorReference(LabVm vm, uint descriptor, LabFile? file)
        {
            if (file != null) return "file:" + file.Id;
            int fd = (int)descriptor;
            if (fd >= 0)
            {
                if (hosts.TryGetValue((vm.Backend, vm.Profile), out var host) && host.Fd == fd) return "kvm";
                var openVm = vms.FirstOrDefault(v => SameHost(v.Backend, v.Profile, vm) && !v.Handle.IsClosed && v.Fd == fd);
                if (openVm != null) return "vm:" + openVm.Id;
                var openFile = files.FirstOrDefault(f => SameHost(f.Backend, f.Profile, vm) && !f.Handle.IsClosed && f.Fd == fd);
                if (openFile != null) return "file:" + openFile.Id;
            }
            return fd.ToString(CultureInfo.InvariantCulture);
        }

        private static bool SameHost(BackendKind backend, string? profile, LabVm vm) => backend == vm.Backend && profile == vm.Profile;

        /// <summary>
        /// "map1+0x1000" when an address lies in a mapping of this lab (an open one first: a munmapped range may
        /// have been handed out again), otherwise null (the address is a plain number).
        /// </summary>
        private string? AddressReference(ulong address)
        {
            LabMapping? Containing(bool open) => mappings.LastOrDefault(m =>
                (m.State == LabObjectState.Open) == open && address >= m.Address && address - m.Address < (ulong)RoundToPage(m.Length));
            var mapping = Containing(open: true) ?? Containing(open: false);
            return mapping == null ? null : $"{mapping.Id}+0x{address - mapping.Address:x}";
        }

        private static long RoundToPage(long length) =>
            length <= 0 ? 0 : (length + KvmLimits.PageSize - 1) & ~(KvmLimits.PageSize - 1);

        /// <summary>A mapping by its lab id (map0, map1, …), whatever its state.</summary>
        public LabMapping FindMapping(string id) => Find(mappings, id, "mapping");

        /// <summary>Every object the lab ever handed out and its state, in creation order: "vm0:Open gmem0:Closed …".</summary>
        public string ObjectStates()
        {
            lock (gate)
            {
                var text = new StringBuilder();
                void Add(LabObject o)
                {
                    if (text.Length > 0) text.Append(' ');
                    text.Append(o.Id).Append(':').Append(o.State);
                }
                foreach (var vm in vms) Add(vm);
                foreach (var file in files) Add(file);
                foreach (var slot in memslots) Add(slot);
                foreach (var mapping in mappings) Add(mapping);
                return text.ToString();
            }
        }

        /// <summary>The host of a backend if the lab has opened it (never opens one).</summary>
        internal GmemPS.Contract.IGmemHost? ExistingHost(BackendKind kind, string? profile)
        {
            lock (gate) return hosts.TryGetValue((kind, factory.CanonicalProfile(kind, profile)), out var host) ? host : null;
        }

        /// <summary>How many steps the lab has recorded.</summary>
        public int StepCount
        {
            get { lock (gate) return steps.Count; }
        }

        /// <summary>The step recorded at <paramref name="index"/> (without copying the whole list, as <see cref="Steps"/> does).</summary>
        public LabStep StepAt(int index)
        {
            lock (gate) return steps[index];
        }
    }
}
