using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// Seed B, in-place conversion with host references (seeds-and-peers.md §B): RFC v5's per-page mappability and
    /// final-put callback, Vlastimil's speculative reference, Ackerley's punch-while-pending, and the 2026
    /// KVM_SET_MEMORY_ATTRIBUTES2 on the file. One test per scenario line (13-22), invariants after every step.
    /// </summary>
    public sealed class InPlaceConversionTests
    {
        private const ulong MiB = DesignHost.MiB;
        private const long Page = 4096;

        private static DesignPolicies Rfc5(RefcountCheck check = RefcountCheck.Plain, PendingPunch punch = PendingPunch.CallbackOnRemovedFolio) =>
            DesignPolicies.Upstream with { ConversionModel = ConversionModel.FolioCallback, RefcountCheck = check, PendingPunch = punch };

        private static DesignPolicies Attrs2(PreserveContent preserve = PreserveContent.Supported) =>
            DesignPolicies.Upstream with { ConversionModel = ConversionModel.GmemAttributes2, PreserveContent = preserve };

        /// <summary>A VM of the design with a 2 MiB MMAP file bound at gpa 0, and the VMM's mapping of the whole file.</summary>
        private static (DesignHost D, IGmemVm Vm, IDesignGuestMemfd File, IHostMapping Map) Setup(DesignPolicies designs,
            GuestMemfdFlags flags = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared)
        {
            var d = new DesignHost();
            var (vm, file) = d.BoundVm(designs, flags);
            var map = d.Step(() => file.Map(new MapRequest(0, (long)(2 * MiB))));
            return (d, vm, (IDesignGuestMemfd)file, map);
        }

        private static ConvertRequest ToPrivate(long offset, long length = Page, ConversionContent content = ConversionContent.Unspecified) =>
            new ConvertRequest((ulong)offset, (ulong)length, MemoryAttributes.Private, content);

        private static ConvertRequest ToShared(long offset, long length = Page, ConversionContent content = ConversionContent.Unspecified) =>
            new ConvertRequest((ulong)offset, (ulong)length, MemoryAttributes.None, content);

        private static GmemPageState StateOf(IDesignGuestMemfd file, long offset) => file.PageStates(offset, Page).Single().State;

        private static GmemException Eagain(DesignHost d, System.Action step, KernelRule rule)
        {
            var e = Assert.Throws<GmemException>(() => d.Step(step));
            Assert.Equal((Errno.EAGAIN, rule.Id), (e.Errno, e.Rule.Id));
            return e;
        }

        [Fact]
        public void Upstream_has_no_conversion_on_the_file()
        {
            var (d, _, file, _) = Setup(DesignPolicies.Upstream);
            Assert.Equal(Errno.ENOTTY, d.Refused(() => file.Convert(ToPrivate(0)), KernelRules.GmemAttributes2NotSupported).Errno);
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0)); // INIT_SHARED: the whole file
        }

        [Fact]
        public void Scenario_13_unsharing_a_page_the_vmm_still_maps_is_eagain_without_a_callback_then_munmap_and_retry()
        {
            var (d, _, file, map) = Setup(Rfc5());
            map.Write(0x3000, new byte[] { 1 }); // the VMM faults page 3 in
            d.Mark();
            Eagain(d, () => file.Convert(ToPrivate(0x3000)), KernelRules.UnshareHostMapped);
            Assert.Equal(DesignDecisions.MappedEagain, Assert.Single(d.Since<ConversionRefused>()).Design);
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0x3000)); // nothing armed
            d.Step(() => file.DropHostMappings(0x3000, Page));
            d.Step(() => file.Convert(ToPrivate(0x3000)));
            Assert.Equal(GmemPageState.Private, StateOf(file, 0x3000));
            // With another reference as well, the retry parks the page in NONE instead.
            map.Write(0x5000, new byte[] { 1 });
            var pin = d.Step(() => file.Reference(0x5000, Page, HostReferenceKind.Pin));
            d.Step(() => file.DropHostMappings(0x5000, Page));
            Eagain(d, () => file.Convert(ToPrivate(0x5000)), KernelRules.UnshareDeferred);
            Assert.Equal(GmemPageState.Pending, StateOf(file, 0x5000));
            d.Step(pin.Release);
        }

        [Fact]
        public void Scenario_14_a_pin_parks_the_page_in_none_until_the_final_put_completes_the_conversion()
        {
            var (d, vm, file, map) = Setup(Rfc5());
            var pin = d.Step(() => file.Reference(0x4000, Page, HostReferenceKind.Pin)); // vmsplice: refcount, no mapcount
            d.Mark();
            Eagain(d, () => file.Convert(ToPrivate(0x4000)), KernelRules.UnshareDeferred);
            Assert.Equal(GmemPageState.Pending, Assert.Single(d.Since<PageStateChanged>()).State);
            // Neither side can fault it.
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => map.Read(0x4000, 1)).Errno);
            Assert.Equal(ExitReason.MemoryFault, vm.GuestRead(0x4000, 1).Exit);
            d.Mark();
            d.Step(pin.Release);
            Assert.Equal(DesignDecisions.FinalPutCallback, Assert.Single(d.Since<FinalPutCallback>()).Design);
            Assert.Equal(GmemPageState.Private, StateOf(file, 0x4000));
            Assert.True(vm.GuestRead(0x4000, 1).Completed);
        }

        [Fact]
        public void Scenario_14_sharing_a_pending_page_again_disarms_the_callback()
        {
            var (d, _, file, _) = Setup(Rfc5());
            var pin = d.Step(() => file.Reference(0x4000, Page, HostReferenceKind.Pin));
            Eagain(d, () => file.Convert(ToPrivate(0x4000)), KernelRules.UnshareDeferred);
            d.Mark();
            d.Step(() => file.Convert(ToShared(0x4000)));
            Assert.Single(d.Since<PendingConversionCancelled>());
            d.Step(pin.Release);
            Assert.Empty(d.Since<FinalPutCallback>());
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0x4000));
        }

        [Fact]
        public void Scenario_15_a_speculative_reference_defeats_the_plain_check_spuriously()
        {
            var (d, _, file, _) = Setup(Rfc5());
            d.Step(() => file.Reference(0x6000, Page, HostReferenceKind.Speculative));
            d.Mark();
            Eagain(d, () => file.Convert(ToPrivate(0x6000)), KernelRules.UnshareDeferred);
            Assert.Equal(DesignDecisions.SpeculativeReference, Assert.Single(d.Since<SpuriousRefcountFailure>()).Design);
            // The scanner's reference drops right after: the callback finishes the conversion behind the -EAGAIN.
            Assert.Single(d.Since<FinalPutCallback>());
            Assert.Equal(GmemPageState.Private, StateOf(file, 0x6000));
        }

        [Fact]
        public void Scenario_15_the_frozen_check_fails_atomically_and_the_retry_succeeds()
        {
            var (d, _, file, _) = Setup(Rfc5(RefcountCheck.Frozen));
            d.Step(() => file.Reference(0x6000, Page, HostReferenceKind.Speculative));
            d.Mark();
            Eagain(d, () => file.Convert(ToPrivate(0x6000)), KernelRules.UnshareFreezeFailed);
            Assert.Equal(DesignDecisions.FrozenCheck, Assert.Single(d.Since<ConversionRefused>()).Design);
            Assert.Empty(d.Since<SpuriousRefcountFailure>());
            Assert.Empty(d.Since<FinalPutCallback>());
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0x6000)); // nothing changed, nothing armed
            d.Step(() => file.Convert(ToPrivate(0x6000)));
            Assert.Equal(GmemPageState.Private, StateOf(file, 0x6000));
        }

        [Theory]
        [InlineData(PendingPunch.CallbackOnRemovedFolio)]
        [InlineData(PendingPunch.ResetOnRemoval)]
        public void Scenario_16_punching_a_pending_page_crashes_rfc_v5_and_resets_with_the_fix(PendingPunch model)
        {
            var (d, _, file, _) = Setup(Rfc5(punch: model));
            var pin = d.Step(() => file.Reference(0x7000, Page, HostReferenceKind.Pin));
            Eagain(d, () => file.Convert(ToPrivate(0x7000)), KernelRules.UnshareDeferred);
            d.Mark();
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0x7000, Page)));
            bool reset = model == PendingPunch.ResetOnRemoval;
            Assert.Equal(reset ? 1 : 0, d.Since<PendingConversionReset>().Count);
            d.Step(pin.Release);
            var crash = d.Since<CallbackOnRemovedFolio>();
            Assert.Equal(reset ? 0 : 1, crash.Count);
            Assert.Empty(d.Since<FinalPutCallback>());
            if (!reset) Assert.Equal(DesignDecisions.CallbackAfterRemoval, crash.Single().Design);
            d.AssertDesignEventsNameTheirDecision();
        }

        [Fact]
        public void Scenario_17_attributes2_private_unmaps_the_vmm_and_a_later_host_access_gets_sigbus()
        {
            var (d, vm, file, map) = Setup(Attrs2());
            map.Write(0x8000, new byte[] { 0x11 });
            d.Mark();
            d.Step(() => file.Convert(ToPrivate(0x8000)));
            var zapped = Assert.Single(d.Since<HostMappingsZapped>());
            Assert.Equal((8UL, 9UL, 1), (zapped.FirstPage, zapped.EndPage, zapped.Mappings));
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => map.Read(0x8000, 1)).Errno);
            Assert.Equal(new byte[] { 0x11 }, vm.GuestRead(0x8000, 1).Data); // one copy of the memory: the guest keeps it
        }

        [Fact]
        public void Scenario_18_a_pinned_page_fails_with_eagain_and_error_offset_then_unpin_and_retry()
        {
            var (d, _, file, _) = Setup(Attrs2());
            var pin = d.Step(() => file.Reference(0x3000, 2 * Page, HostReferenceKind.Pin)); // an IOMMU pin on pages 3-4
            var request = ToPrivate(0, 8 * Page);
            var e = Eagain(d, () => file.Convert(request), KernelRules.ConversionHostReference);
            Assert.Equal(0x3000UL, request.ErrorOffset);
            Assert.Contains("error_offset 0x3000", e.Message);
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0)); // all or nothing
            d.Step(pin.Release);
            d.Step(() => file.Convert(ToPrivate(0, 8 * Page)));
            Assert.Equal(GmemPageState.Private, file.PageStates(0, 8 * Page).Single().State);
        }

        [Fact]
        public void Scenario_19_content_modes_zero_preserve_and_the_refusals()
        {
            var (d, vm, file, map) = Setup(Attrs2(), GuestMemfdFlags.Mmap); // starts private
            Assert.True(vm.GuestWrite(0x1000, DesignHost.Filled(0x5a)).Completed);
            Assert.True(vm.GuestWrite(0x2000, DesignHost.Filled(0x5b)).Completed);
            d.Step(() => file.Convert(ToShared(0x1000, Page, ConversionContent.Zero)));
            Assert.Equal(DesignHost.Filled(0), map.Read(0x1000, 16));
            d.Step(() => file.Convert(ToShared(0x2000, Page, ConversionContent.Preserve)));
            Assert.Equal(DesignHost.Filled(0x5b), map.Read(0x2000, 16)); // the guest's last plaintext
            Assert.Equal(Errno.EOPNOTSUPP, d.Refused(() => file.Convert(ToPrivate(0x1000, Page, ConversionContent.Zero)), KernelRules.ConversionContentUnsupported).Errno);

            var (d2, _, file2, _) = Setup(Attrs2(PreserveContent.Unsupported), GuestMemfdFlags.Mmap);
            Assert.Equal(Errno.EOPNOTSUPP, d2.Refused(() => file2.Convert(ToShared(0, Page, ConversionContent.Preserve)), KernelRules.ConversionContentUnsupported).Errno);
        }

        [Fact]
        public void Scenario_20_a_range_converted_before_allocation_is_honoured_by_the_first_fault()
        {
            var (d, _, file, map) = Setup(Attrs2(), GuestMemfdFlags.Mmap);
            d.Step(() => file.Convert(ToShared(0x10000, 4 * Page)));
            Assert.Equal(0UL, d.Host.Kernel.LiveFiles.Single().Inode.AllocatedPages(0, 512));
            d.Step(() => map.Write(0x10000, new byte[] { 9 }));
            Assert.Equal(new byte[] { 9 }, map.Read(0x10000, 1));
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => map.Read(0x20000, 1)).Errno); // never converted: private
        }

        [Fact]
        public void Scenario_21_a_punched_shared_page_refaults_shared()
        {
            var (d, _, file, map) = Setup(Attrs2(), GuestMemfdFlags.Mmap);
            d.Step(() => file.Convert(ToShared(0x3000)));
            map.Write(0x3000, new byte[] { 7 });
            d.Step(() => file.Fallocate(FallocateRequest.PunchHole(0x3000, Page)));
            Assert.Equal(GmemPageState.Shared, StateOf(file, 0x3000));
            Assert.Equal(new byte[] { 0 }, map.Read(0x3000, 1)); // a fresh page, still the host's to map
        }

        [Fact]
        public void Scenario_22_after_fork_a_page_the_parent_converts_to_private_sigbuses_in_both()
        {
            var (d, _, file, parent) = Setup(Attrs2());
            var child = d.Step(() => file.Map(new MapRequest(0, (long)(2 * MiB)))); // the child's inherited MAP_SHARED mapping
            parent.Write(0x9000, new byte[] { 1 });
            child.Write(0xa000, new byte[] { 2 });
            Assert.Equal(new byte[] { 1 }, child.Read(0x9000, 1));
            d.Step(() => file.Convert(ToPrivate(0x9000)));
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => parent.Read(0x9000, 1)).Errno);
            Assert.Equal(Errno.EIO, Assert.Throws<GmemException>(() => child.Read(0x9000, 1)).Errno);
            Assert.Equal(new byte[] { 2 }, parent.Read(0xa000, 1));
            d.Step(() => { parent.Unmap(); child.Unmap(); });
        }

        [Fact]
        public void The_invariant_checker_catches_a_pending_page_without_a_reference()
        {
            var (d, _, file, _) = Setup(Rfc5());
            var inode = d.Host.Kernel.LiveFiles.Single().Inode;
            inode.States.Set(1, 2, GmemPageState.Pending);
            Assert.Contains("Pending with no host reference", Assert.Throws<System.InvalidOperationException>(() => d.Host.CheckInvariants()).Message);
            inode.States.Set(1, 2, GmemPageState.Shared);
            d.Host.CheckInvariants();
            Assert.Equal(GmemPageState.Shared, StateOf(file, Page));
        }
    }
}
