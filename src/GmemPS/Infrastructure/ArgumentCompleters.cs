using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>Shared plumbing: candidates from the session, matched by <see cref="IdCompletion"/>.</summary>
    public abstract class GmemIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            List<KeyValuePair<string, string>> candidates;
            try
            {
                candidates = Candidates(GmemSession.Current, fakeBoundParameters).ToList();
            }
            catch (System.ObjectDisposedException)
            {
                // Completion never fails loudly: a closed session simply has nothing to offer.
                return Enumerable.Empty<CompletionResult>();
            }
            return IdCompletion.Complete(wordToComplete, candidates)
                .Select(i => new CompletionResult(i.CompletionText, i.ListItemText, CompletionResultType.ParameterValue, i.ToolTip))
                .ToList();
        }

        protected abstract IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters);

        /// <summary>The VM the user already typed (-Vm vm0 or a LabVm variable), when there is one.</summary>
        protected static LabVm? BoundVm(GmemLab lab, IDictionary? fakeBoundParameters)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains("Vm")) return null;
            object? value = fakeBoundParameters["Vm"];
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is LabVm vm) return vm;
            if (value is string id)
            {
                try { return lab.FindVm(id); }
                catch (GmemLabException) { return null; }
            }
            return null;
        }

        protected static KeyValuePair<string, string> Item(string id, string toolTip) => new KeyValuePair<string, string>(id, toolTip);
    }

    /// <summary>Open VM ids: vm0, vm1, ...</summary>
    public sealed class VmIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectVms(null).Found.Select(v => Item(v.Id, Targets.Of(v)));
    }

    /// <summary>Open guest_memfd ids (gmem0, ...), only the typed -Vm's when one is given.</summary>
    public sealed class FileIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectFiles(null, BoundVm(lab, fakeBoundParameters)).Found.Select(f => Item(f.Id, Targets.Of(f)));
    }

    /// <summary>Open memslot ids (vm0/slot3), only the typed -Vm's when one is given.</summary>
    public sealed class MemslotIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectMemslots(BoundVm(lab, fakeBoundParameters), null).Found.Select(s => Item(s.Id, Targets.Of(s)));
    }

    /// <summary>Slot numbers in use, of the typed -Vm when one is given.</summary>
    public sealed class SlotNumberCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectMemslots(BoundVm(lab, fakeBoundParameters), null).Found
                .Select(s => Item(s.Slot.ToString(CultureInfo.InvariantCulture), Targets.Of(s)));
    }

    /// <summary>The simulator's host profiles (ThisHost, SwProtected); none after -Backend Kvm, which has no profiles.</summary>
    public sealed class SimulatorProfileCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            BoundBackend(fakeBoundParameters) == BackendKind.Kvm
                ? Enumerable.Empty<KeyValuePair<string, string>>()
                : BackendProfiles.SimulatorProfileNames.Select(n => Item(n, $"Simulator host profile {n}"));

        /// <summary>The -Backend the user already typed (a name, a prefix PowerShell would bind, or the enum), if any.</summary>
        private static BackendKind? BoundBackend(IDictionary? fakeBoundParameters)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains("Backend")) return null;
            object? value = fakeBoundParameters["Backend"];
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is BackendKind kind) return kind;
            return value is string text && System.Enum.TryParse(text.Trim('\'', '"'), ignoreCase: true, out BackendKind parsed) ? parsed : (BackendKind?)null;
        }
    }

    /// <summary>memfd ids (memfd0, ...).</summary>
    public sealed class MemfdIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectMemfds(null).Found.Select(m => Item(m.Id, $"memfd of {m.Backend}, {Hex.Size(m.Size)}"));
    }

    /// <summary>Host reference ids (ref0, ...).</summary>
    public sealed class HostReferenceIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectHostReferences(null).Found.Select(r => Item(r.Id, $"{r.Kind} on {r.File.Id} at {Hex.Address((ulong)r.Offset)}"));
    }

    /// <summary>kvm-vfio device ids (kvmvfio0, ...), only the typed -Vm's when one is given.</summary>
    public sealed class KvmVfioDeviceIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectKvmVfioDevices(null, BoundVm(lab, fakeBoundParameters)).Found.Select(d => Item(d.Id, $"kvm-vfio device of {d.Vm.Id}"));
    }

    /// <summary>VFIO device ids (vfio0, ...), only the typed -Vm's when one is given.</summary>
    public sealed class VfioDeviceIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectVfioDevices(null, BoundVm(lab, fakeBoundParameters)).Found.Select(d => Item(d.Id, $"VFIO device in group {d.Group}"));
    }

    /// <summary>Guest fault ids (fault0, ...), only the typed -Vm's when one is given.</summary>
    public sealed class GuestFaultIdCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            lab.SelectGuestFaults(null, BoundVm(lab, fakeBoundParameters)).Found.Select(f => Item(f.Id, $"guest fault of {f.Vm.Id} at {Hex.Address(f.Gpa)}"));
    }

    /// <summary>Event kinds (the GmemEvent subclasses' names).</summary>
    public sealed class EventKindCompleter : GmemIdCompleter
    {
        protected override IEnumerable<KeyValuePair<string, string>> Candidates(GmemLab lab, IDictionary? fakeBoundParameters) =>
            typeof(Events.GmemEvent).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(Events.GmemEvent).IsAssignableFrom(t))
                .Select(t => Item(t.Name, $"{t.Name} events"));
    }

    internal static class CapabilityList
    {
        public static Capability[] All => (Capability[])System.Enum.GetValues(typeof(Capability));
    }
}
