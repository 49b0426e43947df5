using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>The lab operations the cmdlets call that the module added: conversion, queries, anonymous slots,
    /// capabilities, events, and the per-call description behind the Verbose lines.</summary>
    public class LabModuleOperationTests
    {
        private const ulong MiB = 1UL << 20, GiB = 1UL << 30, Page = 4096;

        [Fact]
        public void SetPrivate_with_fallocate_allocates_each_backing_file_range_in_gpa_order_then_sets_the_attribute()
        {
            var (lab, host) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 4 * MiB);
            lab.Bind(file, 4 * GiB, 2 * MiB, offset: 2 * MiB, slot: 0);
            lab.Bind(file, 0, 2 * MiB, offset: 0, slot: 1);
            host.Requests.Clear();

            // [1 MiB, 4 GiB + 1 MiB) crosses the hole: its two backed parts... but the hole itself is not backed.
            var refused = Assert.Throws<GmemLabException>(() => lab.SetPrivate(vm, 1 * MiB, 4 * GiB, fallocate: true));
            Assert.Equal("GmemRangeNotBacked", refused.ErrorId);
            Assert.Empty(host.Requests); // checked before anything is done

            var range = lab.SetPrivate(vm, 1 * MiB, 1 * MiB, fallocate: true);
            Assert.Equal(new object[]
            {
                (file.Fd, FallocateRequest.Allocate((long)(1 * MiB), (long)(1 * MiB))),
                new MemoryAttributesRequest(1 * MiB, 1 * MiB, MemoryAttributes.Private),
            }, host.Requests);
            Assert.Equal((vm, 1 * MiB, 1 * MiB, "Private"), (range.Vm, range.Gpa, range.Size, range.State));
        }

        [Fact]
        public void SetShared_with_fallocate_on_a_slot_punches_its_whole_file_range()
        {
            var (lab, host) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            var a = lab.CreateFile(vm, 2 * MiB);
            var b = lab.CreateFile(vm, 2 * MiB);
            lab.Bind(a, 0, 1 * MiB, offset: 1 * MiB);
            var slot = lab.Bind(b, 1 * MiB, 1 * MiB, offset: 0);
            host.Requests.Clear();

            lab.SetShared(vm, 0, 2 * MiB, fallocate: true);
            lab.SetPrivate(slot);

            Assert.Equal(new object[]
            {
                (a.Fd, FallocateRequest.PunchHole((long)(1 * MiB), (long)(1 * MiB))),
                (b.Fd, FallocateRequest.PunchHole(0, (long)(1 * MiB))),
                new MemoryAttributesRequest(0, 2 * MiB, MemoryAttributes.None),
                new MemoryAttributesRequest(1 * MiB, 1 * MiB, MemoryAttributes.Private),
            }, host.Requests);
        }

        [Fact]
        public void A_range_the_kernel_refuses_goes_straight_to_the_kernel_even_with_fallocate()
        {
            var (lab, host) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            host.FailNext[KernelOperation.SetMemoryAttributes] = KernelRules.AttributesRangeInvalid;
            var e = Assert.Throws<GmemException>(() => lab.SetPrivate(vm, Page, 0, fallocate: true));
            Assert.Equal(nameof(KernelRules.AttributesRangeInvalid), e.Rule.Id);
            Assert.Equal(new object[] { new MemoryAttributesRequest(Page, 0, MemoryAttributes.Private) }, host.Requests);
            Assert.Empty(lab.Attributes(vm));
        }

        [Fact]
        public void AttributesIn_cuts_a_range_into_private_and_shared_parts()
        {
            var (lab, _) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            lab.SetPrivate(vm, 2 * Page, 2 * Page);
            lab.SetPrivate(vm, 8 * Page, Page);

            var parts = lab.AttributesIn(vm, Page, 8 * Page).Select(r => (r.Gpa / Page, r.Size / Page, r.State)).ToList();
            Assert.Equal(new[] { (1UL, 1UL, "Shared"), (2UL, 2UL, "Private"), (4UL, 4UL, "Shared"), (8UL, 1UL, "Private") }, parts);
            Assert.Empty(lab.AttributesIn(vm, 0, 0));
            Assert.Equal(ulong.MaxValue, lab.AttributesIn(vm, ulong.MaxValue - Page, 2 * Page).Last().Gpa + lab.AttributesIn(vm, ulong.MaxValue - Page, 2 * Page).Last().Size);
        }

        [Fact]
        public void SelectVms_lists_open_ones_matches_wildcards_and_reports_unknown_exact_ids()
        {
            var (lab, _) = RecordingHost.NewLab();
            var vms = Enumerable.Range(0, 11).Select(_ => lab.CreateVm()).ToList();
            lab.CloseVm(vms[1]);

            Assert.Equal(10, lab.SelectVms(null).Found.Count);
            Assert.Equal("vm10", lab.SelectVms(null).Found.Last().Id); // natural order
            Assert.Equal(new[] { "vm10" }, lab.SelectVms(new[] { "VM1*" }).Found.Select(v => v.Id)); // vm1 is closed
            var exact = lab.SelectVms(new[] { "vm1", "vm42", "vm9*" });
            Assert.Equal(new[] { "vm1", "vm9" }, exact.Found.Select(v => v.Id));
            Assert.Equal(LabObjectState.Destroyed, exact.Found[0].State); // no file kept it alive
            var missing = Assert.Single(exact.Missing);
            Assert.Equal(("GmemObjectNotFound", (object?)"vm42"), (missing.ErrorId, missing.Target));
        }

        [Fact]
        public void SelectFiles_and_SelectMemslots_scope_to_a_vm_and_report_what_is_missing()
        {
            var (lab, _) = RecordingHost.NewLab();
            var vm0 = lab.CreateVm();
            var vm1 = lab.CreateVm();
            var f0 = lab.CreateFile(vm0, 2 * MiB);
            var f1 = lab.CreateFile(vm1, 2 * MiB);
            lab.Bind(f0, 0, 1 * MiB);
            lab.Bind(f0, 1 * MiB, 1 * MiB, offset: 1 * MiB);
            lab.Bind(f1, 0, 2 * MiB);

            Assert.Equal(new[] { f1 }, lab.SelectFiles(null, vm1).Found);
            Assert.Equal("GmemObjectNotFound", Assert.Single(lab.SelectFiles(new[] { "gmem0" }, vm1).Missing).ErrorId);
            Assert.Equal(new[] { "vm0/slot0", "vm0/slot1", "vm1/slot0" }, lab.SelectMemslots(null, null).Found.Select(s => s.Id));
            var some = lab.SelectMemslots(vm0, new uint[] { 1, 7 });
            Assert.Equal(new[] { "vm0/slot1" }, some.Found.Select(s => s.Id));
            Assert.Equal("vm0/slot7", Assert.Single(some.Missing).Target);
            Assert.Equal(2u, lab.FindMemslot("VM0/Slot1").Gpa / MiB + 1);
            Assert.Equal("GmemObjectNotFound", Assert.Throws<GmemLabException>(() => lab.FindMemslot("vm0/3")).ErrorId);
            Assert.Equal("GmemObjectNotFound", Assert.Throws<GmemLabException>(() => lab.FindMemslot("vm0/slot9")).ErrorId);
            Assert.Equal("GmemObjectNotFound", Assert.Throws<GmemLabException>(() => lab.FindMemslot("vm7/slot0")).ErrorId);
        }

        [Fact]
        public void BindAnonymous_maps_memory_of_the_slot_size_and_binds_it_without_a_guest_memfd()
        {
            var (lab, host) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2 * MiB);
            lab.Bind(file, 0, 2 * MiB);
            host.Requests.Clear();

            var slot = lab.BindAnonymous(vm, 1 * GiB, 64 * 1024);
            Assert.Equal(("MapAnonymous", 64L * 1024), host.Requests[0]);
            Assert.Equal(new UserMemoryRegion2(1, MemslotFlags.None, 1 * GiB, 64 * 1024, 0x7f0000000000UL, 0, 0), host.Requests[1]);
            Assert.Equal((1u, (LabFile?)null, 0x7f0000000000UL), (slot.Slot, slot.File, slot.UserspaceAddress));

            lab.BindAnonymous(vm, 2 * GiB, Page, slot: 9, userspaceAddr: 0x10000);
            Assert.Equal(new UserMemoryRegion2(9, MemslotFlags.None, 2 * GiB, Page, 0x10000, 0, 0), host.Requests.Last());
        }

        [Fact]
        public void Default_sizes_run_to_the_end_of_the_file()
        {
            var (lab, _) = RecordingHost.NewLab();
            var file = lab.CreateFile(lab.CreateVm(), 2 * MiB);
            Assert.Equal(2 * MiB, lab.RemainingSize(file, 0));
            Assert.Equal(1 * MiB, lab.RemainingSize(file, 1 * MiB));
            Assert.Equal(0UL, lab.RemainingSize(file, 3 * MiB));
            Assert.Equal((long)(1 * MiB), lab.RemainingLength(file, (long)(1 * MiB)));
            Assert.Equal(0L, lab.RemainingLength(file, -1));
            Assert.Equal(0L, lab.RemainingLength(file, (long)(2 * MiB)));
        }

        [Fact]
        public void CheckCapability_asks_the_host_or_the_vm_and_is_recorded()
        {
            var (lab, _) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            var host = lab.CheckCapability(BackendKind.Simulator, "ThisHost", Capability.GuestMemfd);
            var onVm = lab.CheckCapability(vm, Capability.GuestMemfd);
            Assert.Equal((234L, CapabilityScope.Host, (string?)null, "KVM_CAP_GUEST_MEMFD", 234), (host.Value, host.Scope, host.VmId, host.UapiName, host.Number));
            Assert.Equal((1234L, CapabilityScope.Vm, (string?)"vm0"), (onVm.Value, onVm.Scope, onVm.VmId));
            Assert.Equal(new[] { "CheckExtension", "CheckExtension" }, lab.Steps.Skip(1).Select(s => s.Kind));
        }

        [Fact]
        public void SelectEvents_filters_by_sequence_and_kind_wildcards()
        {
            var (lab, host) = RecordingHost.NewLab();
            var vm = lab.CreateVm();
            host.Events.Append(new VmCreated(1, 0));
            host.Events.Append(new PagesAllocated(7, 0, 1, 1));
            host.Events.Append(new PagesFreed(7, 0, 1, 1));
            host.Events.Append(new SlotDeleted(1, 0));

            Assert.Equal(4, lab.SelectEvents(BackendKind.Simulator, null).Count);
            Assert.Equal(new[] { "PagesAllocated", "PagesFreed" }, lab.SelectEvents(BackendKind.Simulator, null, kinds: new[] { "pages*" }).Select(e => e.Kind));
            Assert.Empty(lab.SelectEvents(vm)); // the host never said it created vm0, so no event is about it
            Assert.Equal(new[] { 3L, 4L }, lab.SelectEvents(BackendKind.Simulator, null, since: 2).Select(e => e.Sequence));
        }

        [Fact]
        public void Each_kernel_call_is_described_on_one_line_with_its_values_and_outcome()
        {
            var (lab, host) = RecordingHost.NewLab();
            var lines = new List<string>();
            using (lab.ObserveSteps((_, text) => lines.Add(text)))
            {
                var vm = lab.CreateVm();
                var file = lab.CreateFile(vm, 2 * MiB, GuestMemfdFlags.InitShared);
                lab.Bind(file, 0, 2 * MiB);
                host.FailNext[KernelOperation.SetUserMemoryRegion2] = KernelRules.MemslotGpaOverlap;
                Assert.Throws<GmemException>(() => lab.Bind(file, 0, 2 * MiB, slot: 1));
                lab.PunchHole(file, 0, 4096);
            }
            lab.CreateVm(); // not observed any more

            Assert.Equal(new[]
            {
                "KVM_CREATE_VM type 0 on the Simulator host -> vm0",
                "KVM_CREATE_GUEST_MEMFD size 0x200000 (2 MiB) flags 0x2 (InitShared) on vm0 (fd 4) -> gmem0",
                "KVM_SET_USER_MEMORY_REGION2 slot 0 gpa 0x0 size 0x200000 (2 MiB) guest_memfd 5 offset 0x0 flags 0x4 on vm0 (fd 4) -> vm0/slot0",
                "KVM_SET_USER_MEMORY_REGION2 slot 1 gpa 0x0 size 0x200000 (2 MiB) guest_memfd 5 offset 0x0 flags 0x4 on vm0 (fd 4) -> EEXIST (17): MemslotGpaOverlap",
                "fallocate fd 5 (gmem0) mode 0x3 (KeepSize, PunchHole) offset 0x0 length 0x1000 (4 KiB)",
            }, lines);
        }

        [Fact]
        public void Observers_see_only_their_own_thread_and_lab()
        {
            var (lab, _) = RecordingHost.NewLab();
            var (other, _) = RecordingHost.NewLab();
            var lines = new List<string>();
            using (lab.ObserveSteps((_, text) => lines.Add(text)))
            {
                other.CreateVm();
                var thread = new System.Threading.Thread(() => lab.CreateVm());
                thread.Start();
                thread.Join();
                lab.CreateVm(profile: "SwProtected");
            }
            Assert.Equal(new[] { "KVM_CREATE_VM type 0 on the Simulator host (profile SwProtected) -> vm1" }, lines);
        }
    }
}
