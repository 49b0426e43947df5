using System;
using System.Collections.Generic;
using GmemPS.Kernel;

namespace GmemPS.Scenarios
{
    /// <summary>One argument of a step kind: its name (as the lab records it), its type, and whether it may be absent.</summary>
    public sealed class ScenarioArgument
    {
        internal ScenarioArgument(string name, Type type, bool optional = false)
        {
            Name = name;
            Type = type;
            Optional = optional;
        }

        public string Name { get; }
        public Type Type { get; }
        public bool Optional { get; }
    }

    /// <summary>
    /// The step kinds a scenario holds: the lab operations of the uAPI contract, which both backends run. The
    /// arguments are those the lab records, less the backend and profile (a scenario runs on the backend it is
    /// given). The designs argued on the lists run on the simulator only, so they are not scenario steps.
    /// </summary>
    public static class ScenarioSchema
    {
        private static ScenarioArgument Id(string name, bool optional = false) => new ScenarioArgument(name, typeof(string), optional);
        private static ScenarioArgument Arg<T>(string name, bool optional = false) => new ScenarioArgument(name, typeof(T), optional);

        private static readonly Dictionary<string, ScenarioArgument[]> Kinds = new Dictionary<string, ScenarioArgument[]>(StringComparer.Ordinal)
        {
            ["CreateVm"] = new[] { Arg<ulong>("Type") },
            ["CreateFile"] = new[] { Id("Vm"), Arg<ulong>("Size"), Arg<GuestMemfdFlags>("Flags"), Arg<ulong>("Reserved0", optional: true) },
            // GuestMemfdRef and UserspaceRef say what the region's raw fd and address referred to (GmemLab.References).
            ["SetMemslot"] = new[]
            {
                Id("Vm"), Arg<UserMemoryRegion2>("Region"), Id("File", optional: true),
                Arg<string>("GuestMemfdRef", optional: true), Arg<string>("UserspaceRef", optional: true),
            },
            ["Fallocate"] = new[] { Id("File"), Arg<FallocateRequest>("Request") },
            ["SetAttributes"] = new[] { Id("Vm"), Arg<MemoryAttributesRequest>("Request") },
            ["Map"] = new[] { Id("File"), Arg<MapRequest>("Request"), Arg<bool>("HostView", optional: true) },
            ["MapAnonymous"] = new[] { Arg<long>("Length") },
            ["HostRead"] = new[] { Id("Mapping"), Arg<long>("Offset"), Arg<int>("Count") },
            ["HostWrite"] = new[] { Id("Mapping"), Arg<long>("Offset"), Arg<byte[]>("Data") },
            ["Unmap"] = new[] { Id("Mapping") },
            ["GuestRead"] = new[] { Id("Vm"), Arg<ulong>("Gpa"), Arg<int>("Count") },
            ["GuestWrite"] = new[] { Id("Vm"), Arg<ulong>("Gpa"), Arg<byte[]>("Data") },
            ["FileRead"] = new[] { Id("File"), Arg<int>("Count") },
            ["FileWrite"] = new[] { Id("File"), Arg<byte[]>("Data") },
            ["FilePread"] = new[] { Id("File"), Arg<int>("Count"), Arg<long>("Offset") },
            ["FileTruncate"] = new[] { Id("File"), Arg<long>("Length") },
            ["CloseFile"] = new[] { Id("File") },
            ["CloseVm"] = new[] { Id("Vm") },
            // Vm absent: KVM_CHECK_EXTENSION on /dev/kvm of the backend the scenario runs on.
            ["CheckExtension"] = new[] { Id("Vm", optional: true), Arg<Capability>("Capability") },
        };

        public static IReadOnlyCollection<string> StepKinds => Kinds.Keys;

        /// <summary>The arguments of a step kind, or null when a scenario cannot hold that kind.</summary>
        public static IReadOnlyList<ScenarioArgument>? ArgumentsOf(string kind) => Kinds.TryGetValue(kind, out var args) ? args : null;
    }
}
