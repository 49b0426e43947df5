using System;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Scenarios;
using GmemPS.Tests.Fuzzing;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>
    /// Leaks under everything a scenario can do, not one happy cycle: 10,000 generated steps on the real kernel
    /// (refusals, closes in every order, guest access, mappings of closed files, a session disposed with objects
    /// still open) leave the kvm descriptors and the kvm and shared anonymous mappings (what GmemPS owns) as they were.
    /// </summary>
    [Collection(nameof(ProcessWideCounts))]
    public sealed class ScenarioLeakTests
    {
        public const int Steps = 10_000;
        private const int StepsPerSequence = 40;

        /// <summary>Runs generated sequences on /dev/kvm, one lab each (disposed at the end, whatever is still open), until <paramref name="total"/> steps ran.</summary>
        private static int RunOnKernel(int total, int firstSeed)
        {
            int done = 0;
            for (int seed = firstSeed; done < total; seed++)
            {
                var generator = new SequenceGenerator(seed);
                using var runner = new ScenarioRunner(StandardBackendFactory.Instance, ScenarioTarget.Kvm) { DescribeCalls = false, CaptureStates = false };
                for (int i = 0; i < StepsPerSequence && done < total; i++, done++)
                {
                    var step = generator.Next();
                    var result = runner.Execute(step);
                    Assert.True(result.Outcome.Fault == null, $"seed {seed} step {i}: {result}");
                    generator.Model.Learn(step, result.Outcome);
                }
            }
            return done;
        }

        private static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        [Fact]
        public void Ten_thousand_scenario_steps_on_the_kernel_leave_no_descriptor_or_mapping_behind()
        {
            using (Support.KvmAvailability.OpenOrSkip()) { }
            // The counters see what a session holds: a VM, a guest_memfd and its mapping show up while open.
            using (var lab = StandardBackendFactory.NewLab())
            {
                var file = lab.CreateFile(lab.CreateVm(GmemPS.Lab.BackendKind.Kvm), 2UL << 20, GmemPS.Kernel.GuestMemfdFlags.Mmap | GmemPS.Kernel.GuestMemfdFlags.InitShared);
                lab.HostWrite(file, 0, new byte[] { 1 });
                Assert.True(ProcessCounts.KvmDescriptors() >= 3, "/dev/kvm, the VM and the guest_memfd are open");
                Assert.True(ProcessCounts.KvmMappingLines() >= 1, "the guest_memfd mapping is listed");
            }
            // Warm up: the runtime's own descriptors and mappings (JIT, P/Invoke stubs, GC regions) settle first.
            RunOnKernel(1_000, firstSeed: 1);
            Settle();
            int kvmFdsBefore = ProcessCounts.KvmDescriptors();
            var ownedBefore = ProcessCounts.OwnedMappingLines();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            int ran = RunOnKernel(Steps, firstSeed: 100_000);
            Settle();

            int kvmFdsAfter = ProcessCounts.KvmDescriptors();
            var ownedAfter = ProcessCounts.OwnedMappingLines();
            var newMappings = ownedAfter.Except(ownedBefore).ToList();
            string summary = $"after {ran} scenario steps in {clock.Elapsed.TotalSeconds:F1} s: kvm fds {kvmFdsBefore} -> {kvmFdsAfter}, "
                + $"kvm and shared anonymous mappings {ownedBefore.Count} -> {ownedAfter.Count} lines"
                + $"{(newMappings.Count == 0 ? string.Empty : ", new: " + string.Join("; ", newMappings))}";
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            string? report = Environment.GetEnvironmentVariable("GMEMPS_LEAK_REPORT");
            if (!string.IsNullOrEmpty(report)) System.IO.File.WriteAllText(report, summary + "\n");
            Assert.Equal(Steps, ran);
            Assert.True(kvmFdsBefore == kvmFdsAfter, summary);
            Assert.True(newMappings.Count == 0 && ownedBefore.Count == ownedAfter.Count, summary);

            // The check sees a leak: one mapping left behind is a new owned line.
            using (var host = Support.KvmAvailability.OpenOrSkip())
            using (var leaked = host.MapAnonymous(64 * 1024))
            {
                Assert.NotEmpty(ProcessCounts.OwnedMappingLines().Except(ownedBefore));
                Assert.Single(ProcessCounts.StillMapped(new[] { (leaked.Address, leaked.Address + (ulong)leaked.Length) }));
            }
        }
    }
}
