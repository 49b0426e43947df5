using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// Seed A, who pins whom (seeds-and-peers.md §A): upstream's "the file pins the VM" against Ackerley's
    /// "memslots pin the file, owner set at the first bind", with Sean's rebinding objection and options.
    /// One test per scenario line (1-9, 45); each asserts the line's expected outcome on both sides.
    /// </summary>
    public sealed class WhoPinsWhomTests
    {
        private const ulong MiB = DesignHost.MiB;
        private static readonly DesignPolicies Alternative = DesignPolicies.Upstream with { PinModel = PinModel.SlotPinsFile };

        [Fact]
        public void Scenario_1_upstream_closing_the_vm_fd_keeps_the_vm_until_the_file_goes()
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm();
            d.Mark();
            d.Step(vm.Close);
            var kept = Assert.Single(d.Since<VmKeptAliveByFiles>());
            Assert.Equal((0, 1, DesignDecisions.FilePinsVm), (kept.VmId, kept.Files, kept.Design));
            Assert.Empty(d.Since<VmDestroyed>());
            // The selftest's point: allocate and punch still work on the file of a VM whose fd is closed.
            d.Step(() => file.Fallocate(FallocateRequest.Allocate(0, 64 * 1024)));
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0, 4096)));
            d.Step(file.Close);
            Assert.Equal(new[] { "FileReleased", "PagesFreed", "VmDestroyed" }, d.Kinds().Where(k => k != "Invalidated").TakeLast(3));
        }

        [Fact]
        public void Scenario_1_alternative_the_vm_goes_at_its_fd_close_and_the_file_survives_unbound()
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm(Alternative);
            d.Mark();
            d.Step(vm.Close);
            Assert.Equal(new[] { "GmemOwnerCleared", "VmDestroyed" }, d.Kinds());
            Assert.Equal(DesignDecisions.SlotPinsFile, d.Since<GmemOwnerCleared>().Single().Design);
            d.Step(() => file.Fallocate(FallocateRequest.Allocate(0, 64 * 1024)));
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0, 4096)));
            Assert.Empty(d.Since<Invalidated>());
            d.Step(file.Close);
            Assert.Equal(-1, d.Since<FileReleased>().Single().VmId);
        }

        [Fact]
        public void Scenario_2_upstream_closing_the_file_zaps_the_slot_and_a_private_access_exits_with_memory_fault()
        {
            var d = new DesignHost(SimulatorProfile.SwProtected);
            var (vm, file) = d.BoundVm(type: 1, flags: GuestMemfdFlags.None);
            d.Step(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(0, 2 * MiB, MemoryAttributes.Private)));
            Assert.True(vm.GuestWrite(0x1000, DesignHost.Filled(0x5a)).Completed);
            d.Mark();
            d.Step(file.Close);
            var zap = Assert.Single(d.Since<Invalidated>());
            Assert.Equal((0UL, 512UL, InvalidationCause.FileRelease), (zap.GfnStart, zap.GfnEnd, zap.Cause));
            Assert.Single(d.Since<PagesFreed>()); // the inode went with its only file: memory freed
            var access = vm.GuestRead(0x1000, 4);
            Assert.Equal((ExitReason.MemoryFault, Errno.EFAULT, MemoryFaultFlags.Private), (access.Exit, access.RunErrno, access.FaultFlags));
        }

        [Fact]
        public void Scenario_2_alternative_the_slot_holds_the_file_so_close_tears_nothing_down()
        {
            var d = new DesignHost(SimulatorProfile.SwProtected);
            var (vm, file) = d.BoundVm(Alternative, type: 1, flags: GuestMemfdFlags.None);
            d.Step(() => vm.SetMemoryAttributes(new MemoryAttributesRequest(0, 2 * MiB, MemoryAttributes.Private)));
            Assert.True(vm.GuestWrite(0x1000, DesignHost.Filled(0x5a)).Completed);
            d.Mark();
            d.Step(file.Close);
            Assert.Equal(new[] { "FileKeptAliveBySlots" }, d.Kinds());
            var access = vm.GuestRead(0x1000, 4);
            Assert.True(access.Completed);
            Assert.Equal(DesignHost.Filled(0x5a, 4), access.Data);
            // Deleting the slot drops the last reference: now the file goes.
            d.Delete(vm, 0);
            Assert.Contains("FileReleased", d.Kinds());
        }

        [Fact]
        public void Scenario_3_delete_and_recreate_the_slot_keeps_the_data_upstream_but_not_with_zero_on_unbind()
        {
            foreach (var designs in new[] { DesignPolicies.Upstream, Alternative, Alternative with { RebindPolicy = RebindPolicy.ZeroOnUnbind } })
            {
                var d = new DesignHost();
                var vm = d.Vm(designs);
                var file = d.File(vm);
                d.Bind(vm, 0, 0, file);
                Assert.True(vm.GuestWrite(0x2000, DesignHost.Filled(0x33)).Completed);
                d.Delete(vm, 0);
                d.Bind(vm, 0, 0, file);
                var data = vm.GuestRead(0x2000, 16).Data;
                bool zeroed = designs.RebindPolicy == RebindPolicy.ZeroOnUnbind;
                Assert.Equal(DesignHost.Filled(zeroed ? (byte)0 : (byte)0x33), data);
                Assert.Equal(zeroed, d.Host.Events.Since(0).OfType<PagesZeroedForNewOwner>().Any(e => e.Design == DesignDecisions.ZeroOnUnbind));
            }
        }

        [Fact]
        public void Scenario_4_upstream_refuses_another_vms_file()
        {
            var d = new DesignHost();
            var vm1 = d.Vm();
            var vm2 = d.Vm();
            var file = d.File(vm1);
            d.Refused(() => vm2.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, 2 * MiB, 0, 0, (uint)file.Fd)),
                KernelRules.GmemFdOtherVm);
        }

        [Theory]
        [InlineData(RebindPolicy.Expose)]
        [InlineData(RebindPolicy.ZeroOnUnbind)]
        [InlineData(RebindPolicy.ZeroOnRebind)]
        [InlineData(RebindPolicy.ForbidOtherVm)]
        public void Scenario_4_alternative_rebinding_to_another_vm_exposes_the_data_unless_a_policy_zeroes_or_forbids_it(RebindPolicy policy)
        {
            var d = new DesignHost();
            var designs = Alternative with { RebindPolicy = policy };
            var vm1 = d.Vm(designs);
            var vm2 = d.Vm(designs);
            var file = d.File(vm1);
            d.Bind(vm1, 0, 0, file);
            Assert.True(vm1.GuestWrite(0x3000, DesignHost.Filled(0xaa)).Completed);
            var slotOfVm2 = new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, 2 * MiB, 0, 0, (uint)file.Fd);
            // While vm1 has a binding it owns the file.
            d.Refused(() => vm2.SetUserMemoryRegion2(slotOfVm2), KernelRules.GmemFdOtherVm);
            d.Delete(vm1, 0);
            d.Mark();
            if (policy == RebindPolicy.ForbidOtherVm)
            {
                d.Refused(() => vm2.SetUserMemoryRegion2(slotOfVm2), KernelRules.GmemOwnerForbidsOtherVm);
                return;
            }
            d.Step(() => vm2.SetUserMemoryRegion2(slotOfVm2));
            var seen = vm2.GuestRead(0x3000, 16).Data;
            var exposed = d.Since<DataExposedToOtherVm>();
            if (policy == RebindPolicy.Expose)
            {
                Assert.Equal(DesignHost.Filled(0xaa), seen); // vm2 reads vm1's data
                var e = Assert.Single(exposed);
                Assert.Equal((0, 1, 1UL, DesignDecisions.RebindExposes), (e.PreviousVmId, e.VmId, e.Pages, e.Design));
            }
            else
            {
                Assert.Equal(DesignHost.Filled(0), seen);
                Assert.Empty(exposed);
                var zero = Assert.Single(d.Host.Events.Since(0).OfType<PagesZeroedForNewOwner>());
                Assert.Equal(policy == RebindPolicy.ZeroOnUnbind ? DesignDecisions.ZeroOnUnbind : DesignDecisions.ZeroOnRebind, zero.Design);
            }
            Assert.Equal(1, d.Since<GmemOwnerSet>().Single().VmId);
            d.AssertDesignEventsNameTheirDecision();
        }

        [Fact]
        public void Scenario_5_a_system_ioctl_is_refused_upstream_and_makes_an_ownerless_file_in_the_alternative()
        {
            var d = new DesignHost();
            var request = new CreateGuestMemfdRequest(2 * MiB, GuestMemfdFlags.Mmap);
            d.Refused(() => d.Host.CreateGuestMemfd(request, DesignPolicies.Upstream), KernelRules.GmemCreateIsVmIoctl);
            d.Mark();
            var file = d.Step(() => d.Host.CreateGuestMemfd(request, Alternative));
            var created = Assert.Single(d.Since<GuestMemfdCreatedUnowned>());
            Assert.Equal((-1, DesignDecisions.SystemIoctlCreate), (created.ViaVmId, created.Design));
            Assert.Empty(d.Since<GuestMemfdCreated>());
            var vm = d.Vm(Alternative);
            d.Mark();
            d.Bind(vm, 0, 0, file);
            Assert.Equal(0, d.Since<GmemOwnerSet>().Single().VmId);
            // A second VM cannot bind it while the first one does.
            var other = d.Vm(Alternative);
            d.Refused(() => other.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.GuestMemfd, 0, MiB, 0, MiB, (uint)file.Fd)),
                KernelRules.GmemFdOtherVm);
        }

        [Fact]
        public void Scenario_6_two_slots_over_overlapping_file_ranges_the_second_is_refused_in_both_designs()
        {
            foreach (var designs in new[] { DesignPolicies.Upstream, Alternative })
            {
                var d = new DesignHost();
                var vm = d.Vm(designs);
                var file = d.File(vm);
                d.Bind(vm, 0, 0, file, MiB, 0);
                d.Refused(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(1, MemslotFlags.GuestMemfd, 1UL << 30, MiB, 0, MiB / 2, (uint)file.Fd)),
                    KernelRules.GmemRangeAlreadyBound);
            }
        }

        [Fact]
        public void Scenario_7_slot_delete_and_the_last_fput_in_either_order_leave_no_dangling_pointer()
        {
            // Close first: .release nulls slot->gmem.file, so the later delete finds nothing to unbind.
            var d = new DesignHost();
            var (vm, file) = d.BoundVm();
            d.Step(file.Close);
            Assert.Equal(1, d.Host.Events.Since(0).OfType<FileReleased>().Single().SlotsDisconnected);
            d.Delete(vm, 0);
            // Delete first: unbind clears the bindings, so the release disconnects nothing.
            var file2 = d.File(vm);
            d.Bind(vm, 1, 0, file2);
            d.Delete(vm, 1);
            d.Mark();
            d.Step(file2.Close);
            Assert.Equal(0, d.Since<FileReleased>().Single().SlotsDisconnected);
            Assert.Empty(d.Since<Invalidated>());
        }

        [Fact]
        public void Scenario_8_linking_a_second_view_upstream_has_no_uapi_the_link_rfc_shares_the_data()
        {
            var d = new DesignHost();
            var source = d.Vm();
            var file = d.File(source);
            d.Bind(source, 0, 0, file);
            Assert.True(source.GuestWrite(0x4000, DesignHost.Filled(0x77)).Completed);
            var upstream = (IDesignVm)d.Vm();
            d.Refused(() => upstream.LinkGuestMemfd(file), KernelRules.GmemLinkNotSupported);

            var target = (IDesignVm)d.Vm(DesignPolicies.Upstream with { GmemLink = GmemLink.LinkedViews });
            d.Mark();
            var view = d.Step(() => target.LinkGuestMemfd(file));
            Assert.Equal(DesignDecisions.LinkedViews, d.Since<GuestMemfdLinked>().Single().Design);
            d.Bind(target, 0, 0, view);
            Assert.Equal(DesignHost.Filled(0x77), target.GuestRead(0x4000, 16).Data);
            // The source gives up its view: its bindings go, the memory stays with the other view.
            d.Mark();
            d.Step(file.Close);
            Assert.Equal(1, d.Since<FileReleased>().Single().SlotsDisconnected);
            Assert.Empty(d.Since<PagesFreed>());
            Assert.Equal(DesignHost.Filled(0x77), target.GuestRead(0x4000, 16).Data);
        }

        [Fact]
        public void Scenario_46_a_punch_through_either_linked_view_zaps_the_bindings_of_every_view()
        {
            var d = new DesignHost();
            var source = d.Vm();
            var file = d.File(source);
            d.Bind(source, 0, 0, file);
            var target = (IDesignVm)d.Vm(DesignPolicies.Upstream with { GmemLink = GmemLink.LinkedViews });
            var view = d.Step(() => target.LinkGuestMemfd(file));
            d.Bind(target, 3, 1UL << 32, view);
            foreach (var through in new[] { file, view })
            {
                d.Mark();
                d.Step(() => through.Fallocate(FallocateRequest.PunchHole(0x10000, 0x2000)));
                Assert.Equal(new[] { (0, 0, 0x10UL, 0x12UL), (1, 3, 0x100010UL, 0x100012UL) },
                    d.Since<Invalidated>().Select(z => (z.VmId, z.Slot, z.GfnStart, z.GfnEnd)).OrderBy(z => z.VmId));
            }
        }

        [Fact]
        public void Scenario_9_the_file_release_drops_the_last_vm_reference_after_its_own_work()
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm();
            d.Step(vm.Close);
            d.Mark();
            d.Step(file.Close);
            // kvm_gmem_release zaps, unlinks and frees, and only then kvm_put_kvm destroys the VM: destroy runs
            // with none of release's locks held, so it cannot deadlock on them.
            Assert.Equal(new[] { "Invalidated", "FileReleased", "VmDestroyed" }, d.Kinds());
        }

        [Fact]
        public void Scenario_45_dropping_guest_memfd_from_a_bound_slot_is_refused_since_6_19()
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm();
            d.Refused(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.None, 0, 2 * MiB, 0, 0, (uint)file.Fd)),
                KernelRules.MemslotGmemImmutable);
        }

        [Fact]
        public void Scenario_45_pre_fix_the_binding_dangles_and_a_later_punch_or_close_uses_the_freed_slot()
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm(DesignPolicies.Upstream with { GmemFlagToggle = GmemFlagToggle.AcceptedPreFix });
            d.Mark();
            d.Step(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(0, MemslotFlags.None, 0, 2 * MiB, 0, 0, (uint)file.Fd)));
            var dangling = Assert.Single(d.Since<DanglingBinding>());
            Assert.Equal(DesignDecisions.GmemToggleFix, dangling.Design);
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0, 4096)));
            Assert.Contains("kvm_gmem_punch_hole", Assert.Single(d.Since<UseAfterFree>()).Path);
            Assert.Empty(d.Since<Invalidated>());
            d.Mark();
            d.Step(file.Close);
            Assert.Contains("kvm_gmem_release", Assert.Single(d.Since<UseAfterFree>()).Path);
            d.AssertDesignEventsNameTheirDecision();
        }
    }
}
