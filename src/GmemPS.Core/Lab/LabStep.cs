using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    /// <summary>
    /// One operation a lab performed, as data: what was asked (object ids, not descriptor numbers, so the
    /// step replays on another backend) and what came back.
    /// </summary>
    public sealed class LabStep
    {
        internal LabStep(int index, string kind, IReadOnlyDictionary<string, object?> arguments)
        {
            Index = index;
            Kind = kind;
            Arguments = arguments;
        }

        public int Index { get; }
        /// <summary>CreateVm, CreateFile, SetMemslot, Fallocate, Map, HostRead, GuestRead, CloseFile, …</summary>
        public string Kind { get; }
        public IReadOnlyDictionary<string, object?> Arguments { get; }
        /// <summary>Errno.None when the operation succeeded.</summary>
        public Errno Errno { get; internal set; }
        /// <summary>The rule a failure broke (the simulator names one; the kernel's errno may name several).</summary>
        public string? RuleId { get; internal set; }
        /// <summary>What came back: a new object's id, the data read, a guest exit.</summary>
        public object? Result { get; internal set; }

        /// <summary>The backend could not run at all (no /dev/kvm, no permission): no kernel operation happened, so a
        /// scenario leaves the step out.</summary>
        public bool BackendUnavailable { get; internal set; }

        /// <summary>Neither the kernel (Errno) nor the lab (RuleId alone, e.g. GmemForeignObject) refused it.</summary>
        public bool Succeeded => Errno == Errno.None && RuleId == null;

        public override string ToString() =>
            $"{Index}: {Kind} -> {(Succeeded ? Result?.ToString() ?? "ok" : RuleId + (Errno == Errno.None ? string.Empty : $" ({Errno})"))}";
    }
}
