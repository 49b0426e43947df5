using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// Seed C, the 2021 fd-based proposal (seeds-and-peers.md §C): a shmem memfd sealed with F_SEAL_GUEST, KVM as
    /// its registered guest owner, invalidate callbacks on truncate, the memfd outliving its VM, per-KVM against
    /// per-memslot registration, and get_lock_pfn/put_unlock_pfn against truncate as a stepped interleaving.
    /// One test per scenario line (23-26), invariants after every step.
    /// </summary>
    public sealed class SealedMemfdTests
    {
        private const ulong MiB = DesignHost.MiB;

        private static DesignPolicies Memfd(OwnerCheck owner = OwnerCheck.None, PopulationLock populate = PopulationLock.PageLock,
            MemfdRegistration registration = MemfdRegistration.PerKvm) =>
            DesignPolicies.Upstream with { PrivateBacking = PrivateBacking.SealedMemfd, OwnerCheck = owner, PopulationLock = populate, MemfdRegistration = registration };

        private static UserMemoryRegion2 PrivateSlot(uint slot, ulong gpa, IMemfd memfd, ulong size = 2 * MiB, ulong offset = 0) =>
            new UserMemoryRegion2(slot, MemslotFlags.GuestMemfd, gpa, size, 0, offset, (uint)memfd.Fd);

        /// <summary>A VM of the design with a sealed 2 MiB memfd bound at gpa 0 in slot 0.</summary>
        private static (DesignHost D, IDesignVm Vm, IMemfd Memfd) Bound(DesignPolicies designs)
        {
            var d = new DesignHost();
            var vm = (IDesignVm)d.Vm(designs);
            var memfd = d.Step(() => d.Host.CreateMemfd(2 * MiB));
            d.Step(memfd.SealGuest);
            d.Step(() => vm.SetUserMemoryRegion2(PrivateSlot(0, 0, memfd)));
            return (d, vm, memfd);
        }

        [Fact]
        public void Scenario_23_the_seal_needs_an_empty_memfd_and_then_refuses_access_and_partial_truncates()
        {
            var d = new DesignHost();
            var full = d.Step(() => d.Host.CreateMemfd(2 * MiB));
            d.Step(() => full.Write(0, new byte[] { 1 }));
            Assert.Equal(Errno.EBUSY, d.Refused(full.SealGuest, KernelRules.MemfdSealBusy).Errno);
            var empty = d.Step(() => d.Host.CreateMemfd(2 * MiB));
            d.Mark();
            d.Step(empty.SealGuest);
            Assert.Equal(DesignDecisions.SealGuest, Assert.Single(d.Since<MemfdSealed>()).Design);
            Assert.Equal(Errno.EPERM, d.Refused(() => empty.Write(0, new byte[] { 1 }), KernelRules.MemfdSealedNoAccess).Errno);
            Assert.Equal(Errno.EINVAL, d.Refused(() => empty.Truncate(MiB + 100), KernelRules.MemfdPartialTruncate).Errno);
            d.Step(() => empty.Truncate(MiB));
            Assert.Equal(MiB, empty.Size);
        }

        [Fact]
        public void Upstream_refuses_a_memfd_in_the_guest_memfd_field_and_the_design_wants_it_sealed()
        {
            var d = new DesignHost();
            var memfd = d.Step(() => d.Host.CreateMemfd(2 * MiB));
            var upstream = d.Vm();
            d.Refused(() => upstream.SetUserMemoryRegion2(PrivateSlot(0, 0, memfd)), KernelRules.GmemFdNotGuestMemfd);
            var vm = d.Vm(Memfd());
            d.Refused(() => vm.SetUserMemoryRegion2(PrivateSlot(0, 0, memfd)), KernelRules.MemfdNotSealed);
        }

        [Fact]
        public void Scenario_24_with_the_page_lock_the_truncate_waits_for_the_sept_install_then_invalidates()
        {
            var (d, vm, memfd) = Bound(Memfd());
            var fault = d.Step(() => vm.StartGuestFault(0x5000));
            d.Mark();
            d.Step(() => memfd.Truncate(0x5000)); // frees pages 5.. - but page 5 is locked
            Assert.Equal(new[] { "TruncateWaitsOnPageLock" }, d.Kinds());
            d.Mark();
            d.Step(fault.Complete);
            Assert.Equal(new[] { "GuestFaultCompleted", "Invalidated", "MemfdInvalidateCallback", "PagesFreed" }, d.Kinds());
            Assert.False(d.Since<GuestFaultCompleted>().Single().Stale);
            Assert.Empty(d.Since<StaleMappingLeft>());
            Assert.Equal(ExitReason.MemoryFault, vm.GuestRead(0x5000, 1).Exit); // the page is gone, and so is its mapping
        }

        [Fact]
        public void Scenario_24_without_the_lock_the_truncate_frees_the_page_under_the_fault_and_leaves_a_stale_entry()
        {
            var (d, vm, memfd) = Bound(Memfd(populate: PopulationLock.None));
            var fault = d.Step(() => vm.StartGuestFault(0x5000));
            d.Mark();
            d.Step(() => memfd.Truncate(0x5000));
            Assert.Single(d.Since<PagesFreed>());
            d.Mark();
            d.Step(fault.Complete);
            Assert.True(d.Since<GuestFaultCompleted>().Single().Stale);
            var stale = Assert.Single(d.Since<StaleMappingLeft>());
            Assert.Equal((5UL, 6UL, DesignDecisions.UnlockedPopulation), (stale.GfnStart, stale.GfnEnd, stale.Design));
            d.Mark();
            d.Step(() => vm.GuestRead(0x5000, 1));
            Assert.Single(d.Since<UseAfterFree>());
        }

        [Theory]
        [InlineData(OwnerCheck.None)]
        [InlineData(OwnerCheck.VmList)]
        [InlineData(OwnerCheck.KvmHoldsMemfdRef)]
        public void Scenario_25_free_the_vm_keep_the_memfd_and_truncate_it(OwnerCheck check)
        {
            var (d, vm, memfd) = Bound(Memfd(check));
            d.Mark();
            d.Step(vm.Close); // nothing else pins the VM: it is destroyed, the memfd stays open
            Assert.Single(d.Since<VmDestroyed>());
            Assert.Equal(check == OwnerCheck.KvmHoldsMemfdRef ? 1 : 0, d.Since<MemfdOwnerUnregistered>().Count);
            d.Mark();
            d.Step(() => memfd.Truncate(MiB));
            var callbacks = d.Since<MemfdInvalidateCallback>();
            var uaf = d.Since<UseAfterFree>();
            switch (check)
            {
                case OwnerCheck.None:
                    Assert.Equal(DesignDecisions.DanglingOwner, Assert.Single(uaf).Design);
                    break;
                case OwnerCheck.VmList:
                    Assert.Empty(uaf);
                    Assert.Contains("ignored", Assert.Single(callbacks).Outcome);
                    break;
                default:
                    Assert.Empty(uaf);
                    Assert.Empty(callbacks); // impossible by construction: the owner unregistered before it went
                    break;
            }
            d.AssertDesignEventsNameTheirDecision();
        }

        [Fact]
        public void Scenario_26_a_second_kvm_cannot_register_the_memfd()
        {
            var (d, _, memfd) = Bound(Memfd());
            var other = d.Vm(Memfd());
            Assert.Equal(Errno.EPERM, d.Refused(() => other.SetUserMemoryRegion2(PrivateSlot(0, 0, memfd)), KernelRules.MemfdOwnedByOther).Errno);
        }

        [Theory]
        [InlineData(MemfdRegistration.PerKvm)]
        [InlineData(MemfdRegistration.PerMemslot)]
        public void Scenario_26_one_vm_splits_one_memfd_below_and_above_4g_only_with_per_kvm_registration(MemfdRegistration registration)
        {
            var d = new DesignHost();
            var vm = d.Vm(Memfd(registration: registration));
            var memfd = d.Step(() => d.Host.CreateMemfd(4 * MiB));
            d.Step(memfd.SealGuest);
            d.Mark();
            d.Step(() => vm.SetUserMemoryRegion2(PrivateSlot(0, 0xC0000000, memfd, 2 * MiB, 0)));         // below 4G
            var below = Assert.Single(d.Since<MemfdOwnerRegistered>());
            var above = PrivateSlot(1, 1UL << 32, memfd, 2 * MiB, 2 * MiB);                              // above 4G
            if (registration == MemfdRegistration.PerKvm)
            {
                Assert.Equal((-1, DesignDecisions.PerKvmRegistration), (below.Slot, below.Design));
                d.Step(() => vm.SetUserMemoryRegion2(above));
                // A truncate reaches both slots through the one registration.
                d.Mark();
                d.Step(() => memfd.Truncate(MiB));
                Assert.Equal(new[] { 0, 1 }, d.Since<Invalidated>().Select(z => z.Slot));
            }
            else
            {
                Assert.Equal((0, DesignDecisions.PerMemslotRegistration), (below.Slot, below.Design));
                Assert.Equal(Errno.EPERM, d.Refused(() => vm.SetUserMemoryRegion2(above), KernelRules.MemfdOwnedByOther).Errno);
            }
        }
    }
}
