using System;
using GmemPS.Backends;
using GmemPS.Scenarios;
using GmemPS.Tests.Fuzzing;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>
    /// Leaks under everything a scenario can do, not one happy cycle: 10,000 generated steps on the real kernel
    /// (refusals, closes in every order, guest access, mappings of closed files, a session disposed with objects
    /// still open) leave /proc/self/fd and /proc/self/maps as they were.
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
            int fdsBefore = ProcessCounts.OpenDescriptors(), kvmFdsBefore = ProcessCounts.KvmDescriptors();
            int mapsBefore = ProcessCounts.MappingLines(), kvmMapsBefore = ProcessCounts.KvmMappingLines();
            int sharedBefore = ProcessCounts.SharedMappingLines();
            var rangesBefore = ProcessCounts.MappedRanges();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            int ran = RunOnKernel(Steps, firstSeed: 100_000);
            Settle();

            int fdsAfter = ProcessCounts.OpenDescriptors(), kvmFdsAfter = ProcessCounts.KvmDescriptors();
            int mapsAfter = ProcessCounts.MappingLines(), kvmMapsAfter = ProcessCounts.KvmMappingLines();
            int sharedAfter = ProcessCounts.SharedMappingLines();
            var newMappings = ProcessCounts.MappingsOutside(rangesBefore);
            string summary = $"after {ran} scenario steps in {clock.Elapsed.TotalSeconds:F1} s: fds {fdsBefore} -> {fdsAfter} (kvm {kvmFdsBefore} -> {kvmFdsAfter}), "
                + $"maps {mapsBefore} -> {mapsAfter} lines (kvm {kvmMapsBefore} -> {kvmMapsAfter}, shared {sharedBefore} -> {sharedAfter}, "
                + $"{newMappings.Count} outside the ranges mapped before{(newMappings.Count == 0 ? string.Empty : ": " + string.Join("; ", newMappings))})";
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            string? report = Environment.GetEnvironmentVariable("GMEMPS_LEAK_REPORT");
            if (!string.IsNullOrEmpty(report)) System.IO.File.WriteAllText(report, summary + "\n");
            Assert.Equal(Steps, ran);
            Assert.True(kvmFdsBefore == kvmFdsAfter, summary);
            Assert.True(kvmMapsBefore == kvmMapsAfter, summary);
            Assert.True(fdsBefore == fdsAfter, summary);
            Assert.True(sharedBefore == sharedAfter, summary);
            // Every mapping is where one was before: nothing new, only the runtime committing inside its own reservations
            // (which moves a line boundary or splits one: the total line count may differ by that, the ranges may not).
            Assert.True(newMappings.Count == 0, summary);

            // The check sees a leak: one mapping left behind is outside the ranges of before, and shared.
            using (var host = Support.KvmAvailability.OpenOrSkip())
            using (var leaked = host.MapAnonymous(64 * 1024))
            {
                Assert.NotEmpty(ProcessCounts.MappingsOutside(rangesBefore));
                Assert.True(ProcessCounts.SharedMappingLines() > sharedBefore);
            }
        }
    }
}
