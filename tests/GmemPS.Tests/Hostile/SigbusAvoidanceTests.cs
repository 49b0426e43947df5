using System.Collections.Generic;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;
using GmemPS.Lab;
using GmemPS.Scenarios;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Hostile
{
    /// <summary>
    /// No SIGBUS ever reaches the process. Host reads and writes aimed where a direct access would raise it —
    /// pages not shared with the host, pages past the end of the file, ranges punched while mapped, the mapping of a
    /// closed file — come back as an answer (EIO for the first two, data for the others), identical on the simulator
    /// and on the kernel, through both fault-safe paths of the Kvm backend. That the test process is still running
    /// at the end is part of the assertion.
    /// </summary>
    public sealed class SigbusAvoidanceTests
    {
        private const long Page = KvmLimits.PageSize;

        private static ScenarioStep S(string kind, params (string Name, object? Value)[] args) =>
            new ScenarioStep(kind, args.ToDictionary(a => a.Name, a => a.Value));

        private static ScenarioStep HostRead(string map, long offset, int count) => S("HostRead", ("Mapping", map), ("Offset", offset), ("Count", count));
        private static ScenarioStep HostWrite(string map, long offset, params byte[] data) => S("HostWrite", ("Mapping", map), ("Offset", offset), ("Data", data));

        /// <summary>Every place a direct access would fault, in one scenario.</summary>
        private static Scenario Aimed() => new Scenario(new List<ScenarioStep>
        {
            S("CreateVm", ("Type", 0UL)),                                                                                         // 0 vm0
            S("CreateFile", ("Vm", "vm0"), ("Size", 2UL * (ulong)Page), ("Flags", GuestMemfdFlags.Mmap)),                          // 1 gmem0: not shared
            S("Map", ("File", "gmem0"), ("Request", new MapRequest(0, 2 * Page))),                                                 // 2 map0
            HostRead("map0", 0, 8),                                                                                               // 3 EIO
            HostWrite("map0", Page + 5, 1, 2, 3),                                                                                  // 4 EIO
            S("SetMemslot", ("Vm", "vm0"), ("Region", new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, 2 * (ulong)Page, 0, 0, 0)),
                ("File", "gmem0"), ("GuestMemfdRef", "file:gmem0"), ("UserspaceRef", "map0+0x0")),                                 // 5 slot over it
            S("GuestWrite", ("Vm", "vm0"), ("Gpa", 0x10UL), ("Data", new byte[] { 9 })),                                            // 6 the vCPU exits, the host lives
            S("CreateFile", ("Vm", "vm0"), ("Size", (ulong)Page), ("Flags", GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)),   // 7 gmem1: one shared page
            S("Map", ("File", "gmem1"), ("Request", new MapRequest(0, 3 * Page))),                                                 // 8 map1: two pages past EOF
            HostWrite("map1", Page - 4, 1, 2, 3, 4),                                                                               // 9 ok, the last bytes before EOF
            HostRead("map1", Page - 4, 4),                                                                                        // 10 01020304
            HostRead("map1", Page, 1),                                                                                            // 11 EIO: past EOF
            HostWrite("map1", Page - 2, 7, 7, 7, 7),                                                                               // 12 EIO across EOF, nothing written
            HostRead("map1", Page - 4, 4),                                                                                        // 13 still 01020304
            HostWrite("map1", 2 * Page + 100, 1),                                                                                  // 14 EIO two pages past
            S("CreateFile", ("Vm", "vm0"), ("Size", 4UL * (ulong)Page), ("Flags", GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)), // 15 gmem2
            S("Map", ("File", "gmem2"), ("Request", new MapRequest(0, 4 * Page))),                                                 // 16 map2
            HostWrite("map2", Page, 0xaa, 0xbb),                                                                                   // 17
            S("Fallocate", ("File", "gmem2"), ("Request", FallocateRequest.PunchHole(0, 4 * Page))),                               // 18 punched while mapped
            HostRead("map2", Page, 2),                                                                                            // 19 0000: refaulted, not SIGBUS
            HostWrite("map2", Page, 0xcc),                                                                                         // 20 writes again
            HostRead("map2", Page, 1),                                                                                            // 21 cc
            S("Fallocate", ("File", "gmem2"), ("Request", FallocateRequest.PunchHole(Page, Page))),                                // 22 punch one page under the data
            HostRead("map2", Page, 1),                                                                                            // 23 00
            S("CloseFile", ("File", "gmem2")),                                                                                     // 24 the mapping keeps the file
            HostRead("map2", 0, 4),                                                                                               // 25 0000000: still usable
            HostWrite("map2", 3 * Page, 0x5a),                                                                                     // 26
            HostRead("map2", 3 * Page, 1),                                                                                        // 27 5a
            S("Unmap", ("Mapping", "map2")),                                                                                       // 28
            HostRead("map2", 0, 1),                                                                                               // 29 EFAULT: unmapped, never dereferenced
        }, "aimed at SIGBUS");

        private static void AssertAimedOutcomes(IReadOnlyList<StepOutcome> o)
        {
            Assert.Equal(Errno.EIO, o[3].Errno);
            Assert.Equal(Errno.EIO, o[4].Errno);
            Assert.Equal(ExitReason.Mmio, o[6].Exit!.Reason);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, o[10].Data);
            Assert.Equal(Errno.EIO, o[11].Errno);
            Assert.Equal(Errno.EIO, o[12].Errno);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, o[13].Data);
            Assert.Equal(Errno.EIO, o[14].Errno);
            Assert.Equal(new byte[] { 0, 0 }, o[19].Data);
            Assert.Equal(new byte[] { 0xcc }, o[21].Data);
            Assert.Equal(new byte[] { 0 }, o[23].Data);
            Assert.Equal(new byte[4], o[25].Data);
            Assert.Equal(new byte[] { 0x5a }, o[27].Data);
            Assert.Equal(Errno.EFAULT, o[29].Errno);
            Assert.All(o, x => Assert.Null(x.Fault));
        }

        [Fact]
        public void On_the_simulator_every_aimed_access_is_an_answer()
        {
            var results = ScenarioRunner.Run(StandardBackendFactory.Instance, Aimed(), ScenarioTarget.Simulator());
            AssertAimedOutcomes(results.Select(r => r.Outcome).ToList());
        }

        /// <summary>The kernel through either fault-safe path gives the same answers, and the simulator agrees step by step.</summary>
        [Theory]
        [InlineData(HostAccessPath.ProcessVm)]
        [InlineData(HostAccessPath.ProcSelfMem)]
        public void On_the_kernel_every_aimed_access_is_an_answer_and_the_simulator_agrees(HostAccessPath path)
        {
            using (KvmAvailability.OpenOrSkip()) { }
            var factory = new HostAccessFactory(path);
            var results = ScenarioRunner.Run(factory, Aimed(), ScenarioTarget.Kvm);
            AssertAimedOutcomes(results.Select(r => r.Outcome).ToList());
            var comparison = ScenarioComparer.Compare(factory, Aimed(), ScenarioTarget.Simulator("ThisHost"), ScenarioTarget.Kvm);
            Assert.True(comparison.Agree, comparison.ToString());
        }

        /// <summary>The same through the session operations the cmdlets call (Read-/Write-GmemMemory go through the file's host view).</summary>
        [Fact]
        public void The_cmdlet_path_answers_too()
        {
            using (KvmAvailability.OpenOrSkip()) { }
            foreach (var backend in new[] { BackendKind.Simulator, BackendKind.Kvm })
            {
                using var lab = StandardBackendFactory.NewLab();
                var vm = lab.CreateVm(backend);
                var hidden = lab.CreateFile(vm, 2UL << 20, GuestMemfdFlags.Mmap);
                Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => lab.HostRead(hidden, 0, 4)).Errno);
                Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => lab.HostWrite(hidden, 4096, new byte[] { 1 })).Errno);
                var shared = lab.CreateFile(vm, 2UL << 20, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
                lab.HostWrite(shared, 0x3000, new byte[] { 7 });
                lab.PunchHole(shared, 0, 2L << 20);
                Assert.Equal(new byte[] { 0 }, lab.HostRead(shared, 0x3000, 1));
            }
        }

        private sealed class HostAccessFactory : Support.StandardNamedFactory
        {
            private readonly HostAccessPath path;
            public HostAccessFactory(HostAccessPath path) => this.path = path;
            public override IGmemHost Create(BackendKind kind, string? profile) =>
                kind == BackendKind.Kvm ? KvmHost.Open(KvmOptions.Default with { HostAccess = path }) : StandardBackendFactory.Instance.Create(kind, profile);
        }
    }
}
