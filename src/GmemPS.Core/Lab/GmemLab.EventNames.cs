using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using GmemPS.Contract;
using GmemPS.Events;

namespace GmemPS.Lab
{
    // Backends log what the kernel numbers things by (vm 3, inode 41). The session names events after its own
    // objects (vm0, gmem0, vm0/slot2) as they are appended, while the numbers still mean what they meant then
    // (an inode is reused once its file is released), so "Get-GmemEvent -Vm vm0" is that VM's events only.
    public sealed partial class GmemLab
    {
        private readonly EventSequence eventSequence = new EventSequence();
        private readonly Dictionary<IGmemHost, KernelNames> kernelNames = new Dictionary<IGmemHost, KernelNames>();

        /// <summary>What one host's kernel numbers stand for in this session, and how far its log is named.</summary>
        private sealed class KernelNames
        {
            public long NamedThrough;
            public readonly Dictionary<int, LabVm> Vms = new Dictionary<int, LabVm>();
            public readonly Dictionary<long, LabFile> Files = new Dictionary<long, LabFile>();
        }

        /// <summary>The kernel number the newest VmCreated of the host's unnamed events gave <paramref name="vm"/>.</summary>
        private void LearnKernelNumber(LabVm vm)
        {
            var host = Host(vm.Backend, vm.Profile);
            var names = NamesOf(host);
            foreach (var e in host.Events.Since(names.NamedThrough))
                if (e is VmCreated created) names.Vms[created.VmId] = vm;
        }

        /// <summary>The inode the newest file-creating event of the host's unnamed events gave <paramref name="file"/>.</summary>
        private void LearnKernelNumber(LabFile file)
        {
            var host = Host(file.Backend, file.Profile);
            var names = NamesOf(host);
            foreach (var e in host.Events.Since(names.NamedThrough))
                if (e is GuestMemfdCreated or GuestMemfdCreatedUnowned or GuestMemfdLinked && EventSubjects.Of(e).Inode(e) is long inode)
                    names.Files[inode] = file;
        }

        private KernelNames NamesOf(IGmemHost host)
        {
            if (!kernelNames.TryGetValue(host, out KernelNames? names)) kernelNames[host] = names = new KernelNames();
            return names;
        }

        /// <summary>Names every event appended since the last call, on every host of the session.</summary>
        private void NameNewEvents()
        {
            foreach (var entry in hosts)
            {
                var names = NamesOf(entry.Value);
                foreach (var e in entry.Value.Events.Since(names.NamedThrough))
                {
                    Name(e, entry.Key.Item1, names);
                    names.NamedThrough = e.Sequence;
                }
            }
        }

        private void Name(GmemEvent e, BackendKind backend, KernelNames names)
        {
            var subjects = EventSubjects.Of(e);
            e.Backend = backend;
            LabFile? file = subjects.Inode(e) is long inode && names.Files.TryGetValue(inode, out LabFile? f) ? f : null;
            LabVm? vm = subjects.VmId(e) is int vmId && names.Vms.TryGetValue(vmId, out LabVm? v) ? v : file?.VmObject;
            e.SessionFile = file?.Id;
            e.SessionVm = vm?.Id;
            if (vm != null && subjects.Slot(e) is int slot) e.SessionSlot = $"{vm.Id}/slot{slot}";
            // A design VM's lifetime follows its design (VFIO references, who pins whom): the simulator, the
            // only backend that runs designs, says when it ends. Upstream VMs follow the session's own rule.
            if (e is VmDestroyed && vm != null && !vm.Designs.IsUpstream) MarkDestroyed(vm);
        }

        /// <summary>The kernel numbers an event type carries (VmId, Inode, Slot), read once per type.</summary>
        private sealed class EventSubjects
        {
            private static readonly ConcurrentDictionary<Type, EventSubjects> ByType = new ConcurrentDictionary<Type, EventSubjects>();
            private readonly PropertyInfo? vmId;
            private readonly PropertyInfo? inode;
            private readonly PropertyInfo? slot;

            private EventSubjects(Type type)
            {
                vmId = Typed(type, "VmId", typeof(int));
                inode = Typed(type, "Inode", typeof(long));
                slot = Typed(type, "Slot", typeof(int));
            }

            public static EventSubjects Of(GmemEvent e) => ByType.GetOrAdd(e.GetType(), t => new EventSubjects(t));

            public int? VmId(GmemEvent e) => vmId?.GetValue(e) is int n && n >= 0 ? n : null;
            public long? Inode(GmemEvent e) => inode?.GetValue(e) is long n && n >= 0 ? n : null;
            public int? Slot(GmemEvent e) => slot?.GetValue(e) is int n && n >= 0 ? n : null;

            private static PropertyInfo? Typed(Type type, string name, Type propertyType)
            {
                var property = type.GetProperty(name);
                return property != null && property.PropertyType == propertyType ? property : null;
            }
        }
    }
}
