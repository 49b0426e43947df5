using System.Linq;
using GmemPS.Backends;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Simulator;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// The extension point: design policies flow from GmemLab.CreateVm / CreateSystemFile through the simulator's
    /// IDesignAwareHost; a host that is not design-aware (the Kvm backend) runs upstream only and refuses the rest.
    /// </summary>
    public sealed class DesignLabTests
    {
        private const ulong MiB = DesignHost.MiB;

        [Fact]
        public void Upstream_is_the_default_and_runs_on_any_host()
        {
            Assert.True(DesignPolicies.Upstream.IsUpstream);
            Assert.Equal("upstream 6.18", DesignPolicies.Upstream.ToString());
            var (lab, _) = RecordingHost.NewLab();
            var vm = lab.CreateVm(BackendKind.Kvm, designs: DesignPolicies.Upstream);
            Assert.True(vm.Designs.IsUpstream);
            Assert.Equal(BackendKind.Kvm, vm.Backend);
        }

        [Fact]
        public void A_host_that_is_not_design_aware_refuses_other_designs()
        {
            var (lab, _) = RecordingHost.NewLab();
            var designs = DesignPolicies.Upstream with { PinModel = PinModel.SlotPinsFile };
            var e = Assert.Throws<GmemLabException>(() => lab.CreateVm(BackendKind.Kvm, designs: designs));
            Assert.Equal("GmemDesignNotOnKvm", e.ErrorId);
            Assert.Contains("PinModel=SlotPinsFile", e.Message);
            Assert.Equal("GmemDesignNotOnKvm",
                Assert.Throws<GmemLabException>(() => lab.CreateSystemFile(BackendKind.Kvm, null, MiB, GuestMemfdFlags.None, designs)).ErrorId);
            Assert.Empty(lab.Vms);
        }

        [Fact]
        public void A_policy_that_means_nothing_under_the_chosen_pin_model_is_a_conflict()
        {
            using var lab = StandardBackendFactory.NewLab();
            var designs = DesignPolicies.Upstream with { RebindPolicy = RebindPolicy.ZeroOnUnbind };
            Assert.NotNull(designs.Conflict());
            Assert.Equal("GmemDesignConflict", Assert.Throws<GmemLabException>(() => lab.CreateVm(designs: designs)).ErrorId);
        }

        [Fact]
        public void The_lab_binds_an_ownerless_file_into_the_vm_it_is_given_and_describes_the_calls()
        {
            using var lab = StandardBackendFactory.NewLab();
            var designs = DesignPolicies.Upstream with { PinModel = PinModel.SlotPinsFile };
            var file = lab.CreateSystemFile(BackendKind.Simulator, null, 2 * MiB, GuestMemfdFlags.Mmap, designs);
            Assert.Null(file.Vm);
            Assert.Equal("GmemFileHasNoVm", Assert.Throws<GmemLabException>(() => lab.Bind(file, 0)).ErrorId);
            var vm = lab.CreateVm(designs: designs);
            Assert.Equal("PinModel=SlotPinsFile", vm.Designs.ToString());
            var slot = lab.Bind(file, 0, vm: vm);
            Assert.Same(vm, slot.Vm);
            var calls = lab.Steps.Select(lab.DescribeCall).ToList();
            Assert.Contains(calls, c => c.StartsWith("KVM_CREATE_GUEST_MEMFD on /dev/kvm size 0x200000 (2 MiB)") && c.Contains("(designs: PinModel=SlotPinsFile)"));
            Assert.Contains(calls, c => c.StartsWith("KVM_CREATE_VM type 0 on the Simulator host") && c.Contains("(designs: PinModel=SlotPinsFile)"));
            var owner = lab.SelectEvents(vm).OfType<GmemOwnerSet>().Single();
            Assert.Equal(DesignDecisions.SlotPinsFile, owner.Design);
        }

        [Fact]
        public void Linking_goes_through_the_lab_and_is_refused_upstream()
        {
            using var lab = StandardBackendFactory.NewLab();
            var vm0 = lab.CreateVm();
            var file = lab.CreateFile(vm0, 2 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            var upstream = lab.CreateVm();
            Assert.Equal(Errno.ENOTTY, Assert.Throws<GmemException>(() => lab.LinkFile(upstream, file)).Errno);
            var linked = lab.CreateVm(designs: DesignPolicies.Upstream with { GmemLink = GmemLink.LinkedViews });
            var view = lab.LinkFile(linked, file);
            Assert.Same(linked, view.Vm);
            lab.HostWrite(file, 0, new byte[] { 1, 2, 3 });
            Assert.Equal(new byte[] { 1, 2, 3 }, lab.HostRead(view, 0, 3));
            Assert.Contains(lab.Steps.Select(lab.DescribeCall), c => c.StartsWith($"KVM_LINK_GUEST_MEMFD fd {file.Fd} (gmem0) into vm2"));
        }

        [Fact]
        public void The_invariant_checker_catches_a_corrupted_pin_model()
        {
            var d = new DesignHost();
            var vm = d.Vm(DesignPolicies.Upstream with { PinModel = PinModel.SlotPinsFile });
            var file = d.File(vm);
            d.Bind(vm, 0, 0, file);
            var sim = d.Host.Kernel.LiveFiles.Single();
            sim.References++;
            Assert.Contains("f_count", Assert.Throws<System.InvalidOperationException>(() => d.Host.CheckInvariants()).Message);
            sim.References--;
            var owner = sim.Owner;
            sim.Owner = null;
            Assert.Contains("bound to a file of vm -1", Assert.Throws<System.InvalidOperationException>(() => d.Host.CheckInvariants()).Message);
            sim.Owner = owner;
            d.Host.CheckInvariants();
        }
    }
}
