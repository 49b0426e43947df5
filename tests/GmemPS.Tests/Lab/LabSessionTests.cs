using System.Linq;
using GmemPS.Backends;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Lab
{
    /// <summary>The session layer: names, lookup, recorded steps (failures included), and cleanup.</summary>
    public sealed class LabSessionTests
    {
        [Fact]
        public void Objects_are_named_and_found_by_id()
        {
            using var lab = StandardBackendFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2UL << 20);
            var slot = lab.Bind(file, gpa: 0);
            Assert.Equal(("vm0", "gmem0", "vm0/slot0"), (vm.Id, file.Id, slot.Id));
            Assert.Same(vm, lab.FindVm("VM0"));
            Assert.Same(file, lab.FindFile("gmem0"));
            Assert.Same(slot, lab.FindMemslot("vm0", 0));
            Assert.Equal("GmemObjectNotFound", Assert.Throws<GmemLabException>(() => lab.FindVm("vm9")).ErrorId);
        }

        [Fact]
        public void Every_operation_is_a_recorded_step_with_its_outcome()
        {
            using var lab = StandardBackendFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2UL << 20);
            lab.Bind(file, gpa: 0);
            Assert.Throws<GmemException>(() => lab.Bind(file, gpa: 1UL << 32));
            var steps = lab.Steps;
            Assert.Equal(new[] { "CreateVm", "CreateFile", "SetMemslot", "SetMemslot" }, steps.Select(s => s.Kind));
            Assert.Equal("gmem0", steps[1].Result);
            Assert.Equal("vm0", steps[1].Arguments["Vm"]);
            Assert.True(steps[2].Succeeded);
            Assert.Equal((Errno.EINVAL, "GmemRangeAlreadyBound"), (steps[3].Errno, steps[3].RuleId));
        }

        [Fact]
        public void Disposing_the_lab_closes_everything_it_owns()
        {
            var lab = StandardBackendFactory.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2UL << 20, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            lab.Bind(file, gpa: 0);
            lab.HostWrite(file, 0, new byte[] { 1 });
            var events = lab.Events(vm);
            lab.Dispose();
            var kinds = events.Since(0).Select(e => e.Kind).ToList();
            Assert.Contains(nameof(FileReleased), kinds);
            Assert.Equal(nameof(VmDestroyed), kinds.Last());
        }

        [Fact]
        public void Objects_of_another_session_are_refused()
        {
            using var one = StandardBackendFactory.NewLab();
            using var two = StandardBackendFactory.NewLab();
            var vm = one.CreateVm();
            Assert.Equal("GmemForeignObject", Assert.Throws<GmemLabException>(() => two.CreateFile(vm, 4096)).ErrorId);
            var step = two.Steps.Single();
            Assert.Equal(("GmemForeignObject", false), (step.RuleId, step.Succeeded));
        }

        [Fact]
        public void The_lab_remembers_attributes_because_the_kernel_has_no_get()
        {
            using var lab = new GmemLab(StandardBackendFactory.Instance);
            var vm = lab.CreateVm(BackendKind.Simulator, (ulong)VmType.SwProtected, "SwProtected");
            lab.SetAttributes(vm, new MemoryAttributesRequest(0, 4UL << 12, MemoryAttributes.Private));
            lab.SetAttributes(vm, new MemoryAttributesRequest(1UL << 12, 1UL << 12, MemoryAttributes.None));
            var ranges = lab.Attributes(vm).Select(r => (r.Gpa, r.Size, r.State)).ToArray();
            Assert.Equal(new[] { (0UL, 4096UL, "Private"), (2UL << 12, 2UL << 12, "Private") }, ranges);
        }

        [Fact]
        public void Every_spelling_of_a_profile_names_one_host()
        {
            // Issue 2/7, finding 6: null, "ThisHost" and "thishost" were three simulated kernels (two VMs with fd 4).
            using var lab = StandardBackendFactory.NewLab();
            var hosts = new[] { null, "ThisHost", "thishost", "THISHOST" }.Select(p => lab.Host(BackendKind.Simulator, p)).Distinct().ToList();
            Assert.Single(hosts);
            var first = lab.CreateVm(BackendKind.Simulator, 0, null);
            var second = lab.CreateVm(BackendKind.Simulator, 0, "thishost");
            Assert.NotEqual(first.Fd, second.Fd);
            Assert.Equal("ThisHost", second.Profile);
        }

        [Theory]
        [InlineData(BackendKind.Simulator, "Nowhere", "GmemProfileUnknown")]
        [InlineData(BackendKind.Kvm, "ThisHost", "GmemProfileNotApplicable")]
        public void A_profile_that_names_no_host_is_a_usage_error(BackendKind backend, string profile, string errorId)
        {
            using var lab = StandardBackendFactory.NewLab();
            var refusal = Assert.Throws<GmemUsageException>(() => lab.Host(backend, profile));
            Assert.Equal(errorId, refusal.ErrorId);
        }
    }
}
