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
            lock (gate) return Matching(Host(backend, profile).Events.Since(since), kinds);
        }

        /// <summary>The events about one VM (named after it by this session), of the host it lives on.</summary>
        public IReadOnlyList<GmemEvent> SelectEvents(LabVm vm, long since = 0, IEnumerable<string>? kinds = null)
        {
            Own(vm);
            lock (gate)
                return Matching(Host(vm.Backend, vm.Profile).Events.Since(since).Where(e => e.SessionVm == vm.Id), kinds);
        }

        /// <summary>The events of every host this session has used, in the session's one order.</summary>
        public IReadOnlyList<GmemEvent> SelectEvents(long since = 0, IEnumerable<string>? kinds = null)
        {
            lock (gate)
            {
                ThrowIfDisposed();
                IEnumerable<GmemEvent> all = hosts.Values.SelectMany(h => h.Events.Since(since)).OrderBy(e => e.Sequence);
                return Matching(all, kinds);
            }
        }

        private IReadOnlyList<GmemEvent> Matching(IEnumerable<GmemEvent> events, IEnumerable<string>? kinds)
        {
            NameNewEvents();
            var patterns = kinds?.ToList();
            return events.Where(e => patterns == null || patterns.Any(p => IdPattern.IsMatch(p, e.Kind))).ToList();
        }
    }
}
