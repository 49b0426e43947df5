using System.Collections.Generic;
using System.Linq;
using GmemPS.Events;

namespace GmemPS.Lab
{
    public sealed partial class GmemLab
    {
        /// <summary>
        /// The retained events of a backend's host after sequence number <paramref name="since"/>, oldest
        /// first, optionally only the kinds matching <paramref name="kinds"/> (wildcards allowed).
        /// </summary>
        public IReadOnlyList<GmemEvent> SelectEvents(BackendKind backend, string? profile, long since = 0, IEnumerable<string>? kinds = null)
        {
            var patterns = kinds?.ToList();
            return Host(backend, profile).Events.Since(since)
                .Where(e => patterns == null || patterns.Any(p => IdPattern.IsMatch(p, e.Kind)))
                .ToList();
        }

        /// <summary>The events of the host a VM lives on (every VM of that host shares its log).</summary>
        public IReadOnlyList<GmemEvent> SelectEvents(LabVm vm, long since = 0, IEnumerable<string>? kinds = null) =>
            SelectEvents(vm.Backend, vm.Profile, since, kinds);
    }
}
