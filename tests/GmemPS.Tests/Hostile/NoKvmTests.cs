using System;
using System.IO;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Kvm;
using GmemPS.Lab;
using GmemPS.Scenarios;
using GmemPS.Tests.Scenarios;
using Xunit;

namespace GmemPS.Tests.Hostile
{
    /// <summary>
    /// Without /dev/kvm, or without the right to open it, everything but the Kvm backend works — sessions, the
    /// simulator, scenarios — and the Kvm backend says what is missing: a stable id, the errno, the device path and
    /// what to do, as an error that stops the command (nothing the Kvm backend does can work).
    /// </summary>
    public sealed class NoKvmTests
    {
        /// <summary>The standard backends, with the Kvm one pointed at another device path.</summary>
        private sealed class DeviceFactory : Support.StandardNamedFactory
        {
            private readonly string device;
            public DeviceFactory(string device) => this.device = device;
            public override IGmemHost Create(BackendKind kind, string? profile) =>
                kind == BackendKind.Kvm ? KvmHost.Open(device) : StandardBackendFactory.Instance.Create(kind, profile);
        }

        // sysfs refuses O_RDWR on a read-only attribute with EACCES even for root: a /dev/kvm this user may not open.
        private const string ReadOnlyAttribute = "/sys/devices/system/cpu/online";

        [Theory]
        [InlineData("/nonexistent/kvm", "KvmDeviceMissing", Errno.ENOENT, "Simulator", GmemErrorCategory.ResourceUnavailable)]
        [InlineData(ReadOnlyAttribute, "KvmPermissionDenied", Errno.EACCES, "kvm", GmemErrorCategory.PermissionDenied)]
        public void Everything_but_the_Kvm_backend_works_and_the_Kvm_backend_says_what_is_missing(
            string device, string id, Errno errno, string advice, GmemErrorCategory category)
        {
            if (device == ReadOnlyAttribute && !File.Exists(device)) Assert.Skip($"{device} is absent here");
            var factory = new DeviceFactory(device);
            using var lab = new GmemLab(factory);

            // The simulator does everything a session can.
            SampleSessions.EveryStepKind(lab, BackendKind.Simulator);
            string states = lab.ObjectStates();

            foreach (var attempt in new Action[]
                     {
                         () => lab.CreateVm(BackendKind.Kvm),
                         () => lab.CheckCapability(BackendKind.Kvm, null, Capability.GuestMemfd),
                         () => lab.MapAnonymous(BackendKind.Kvm, 4096),
                     })
            {
                var e = Assert.Throws<GmemEnvironmentException>(attempt);
                Assert.Equal((id, errno), (e.ErrorId, e.Errno));
                Assert.Contains(device, e.Message);
                Assert.Contains(advice, e.Message);
                var info = GmemErrors.Classify(e)!;
                Assert.Equal((id, category, true), (info.ErrorId, info.Category, info.Terminating));
                var step = lab.StepAt(lab.StepCount - 1);
                Assert.True(step.BackendUnavailable && !step.Succeeded && step.RuleId == id, step.ToString());
            }
            Assert.Equal(states, lab.ObjectStates());

            // The session goes on on the simulator, and what it did is still a scenario (the Kvm attempts made no kernel call).
            lab.CreateFile(lab.CreateVm(BackendKind.Simulator), 4096);
            var scenario = Scenario.FromLab(lab, "no kvm");
            Assert.Equal(lab.Steps.Count(s => !s.BackendUnavailable), scenario.Steps.Count);
            var replay = ScenarioRunner.Run(factory, scenario, ScenarioTarget.Simulator());
            Assert.All(replay, r => Assert.True(r.AsExpected, r.ToString()));

            // Replaying or comparing on the kernel stops at once, with the same answer.
            Assert.Equal(id, Assert.Throws<GmemEnvironmentException>(() => ScenarioRunner.Run(factory, scenario, ScenarioTarget.Kvm)).ErrorId);
            Assert.Equal(id, Assert.Throws<GmemEnvironmentException>(() => ScenarioComparer.CompareWithKernel(factory, scenario)).ErrorId);
        }

        [Fact]
        public void A_device_that_is_not_kvm_names_the_capability_it_lacks()
        {
            using var lab = new GmemLab(new DeviceFactory("/dev/null"));
            var e = Assert.Throws<GmemEnvironmentException>(() => lab.CreateVm(BackendKind.Kvm));
            Assert.Equal("CapabilityMissing", e.ErrorId);
            Assert.Contains("KVM_CAP_USER_MEMORY2", e.Message);
            Assert.True(GmemErrors.Classify(e)!.Terminating);
            Assert.Equal("vm0", lab.CreateVm(BackendKind.Simulator).Id);
        }
    }
}
