using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/design-sealed-memfd.ps1 (seed C, scenarios 23-26): F_SEAL_GUEST, the stepped fault against a
    /// truncate, the memfd outliving its VM, and registration per KVM or per memslot. Same steps through GmemLab on
    /// the Simulator; every claim of the script is asserted here.
    /// </summary>
    public class SealedMemfdTwinTests
    {
        private const ulong MiB = ExampleSession.MiB;
        private static readonly DesignPolicies Memfd = DesignPolicies.Upstream with { PrivateBacking = PrivateBacking.SealedMemfd };

        private static (LabVm Vm, LabMemfd Memfd) SealedMemfdVm(GmemLab lab, DesignPolicies designs)
        {
            var vm = lab.CreateVm(designs: designs);
            var memfd = lab.CreateMemfd(BackendKind.Simulator, null, 2 * MiB);
            lab.SealMemfd(memfd);
            lab.BindMemfd(memfd, vm, 0);
            return (vm, memfd);
        }

        [Fact]
        public void Upstream_refuses_a_memfd_and_scenario_23_the_seal()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var plain = lab.CreateMemfd(BackendKind.Simulator, null, 2 * MiB);
            var refusal = ExampleSession.Refusal(() => lab.BindMemfd(plain, lab.CreateVm(), 0));
            Assert.Equal((Errno.EINVAL, "GmemFdNotGuestMemfd"), (refusal.Errno, refusal.Rule.Id));
            lab.WriteMemfd(plain, 0, new byte[] { 1 });
            Assert.Equal(Errno.EBUSY, ExampleSession.Refusal(() => lab.SealMemfd(plain)).Errno);
            var sealedMemfd = lab.CreateMemfd(BackendKind.Simulator, null, 2 * MiB);
            lab.SealMemfd(sealedMemfd);
            Assert.Equal(Errno.EPERM, ExampleSession.Refusal(() => lab.WriteMemfd(sealedMemfd, 0, new byte[] { 1 })).Errno);
            Assert.Equal(Errno.EINVAL, ExampleSession.Refusal(() => lab.TruncateMemfd(sealedMemfd, MiB + 100)).Errno);
        }

        [Theory]
        [InlineData(PopulationLock.PageLock)]
        [InlineData(PopulationLock.None)]
        public void Scenario_24_a_stepped_fault_and_a_truncate(PopulationLock populate)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var (vm, memfd) = SealedMemfdVm(lab, Memfd with { PopulationLock = populate });
            var fault = lab.StartGuestFault(vm, 0x5000);
            s.Mark();
            lab.TruncateMemfd(memfd, 0x5000);
            var during = s.Since().Select(e => e.Kind).ToList();
            s.Mark();
            lab.CompleteGuestFault(fault);
            var stale = s.Since<StaleMappingLeft>();
            if (populate == PopulationLock.PageLock)
            {
                Assert.Equal(new[] { "TruncateWaitsOnPageLock" }, during);
                Assert.Empty(stale);
                Assert.Single(s.Since<Invalidated>());
            }
            else
            {
                Assert.Contains("PagesFreed", during);
                Assert.Equal(5UL, Assert.Single(stale).GfnStart);
            }
        }

        [Theory]
        [InlineData(OwnerCheck.None)]
        [InlineData(OwnerCheck.VmList)]
        [InlineData(OwnerCheck.KvmHoldsMemfdRef)]
        public void Scenario_25_free_the_vm_keep_the_memfd_truncate_it(OwnerCheck check)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var (vm, memfd) = SealedMemfdVm(lab, Memfd with { OwnerCheck = check });
            lab.CloseVm(vm);
            s.Mark();
            lab.TruncateMemfd(memfd, MiB);
            var uaf = s.Since<UseAfterFree>();
            var callbacks = s.Since<MemfdInvalidateCallback>();
            if (check == OwnerCheck.None) Assert.Single(uaf);
            else if (check == OwnerCheck.VmList) Assert.Contains("ignored", Assert.Single(callbacks).Outcome);
            else Assert.Empty(callbacks);
            if (check != OwnerCheck.None) Assert.Empty(uaf);
        }

        [Fact]
        public void Scenario_26_registration()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var (_, memfd) = SealedMemfdVm(lab, Memfd);
            Assert.Equal(Errno.EPERM, ExampleSession.Refusal(() => lab.BindMemfd(memfd, lab.CreateVm(designs: Memfd), 0)).Errno);
            foreach (var registration in new[] { MemfdRegistration.PerKvm, MemfdRegistration.PerMemslot })
            {
                var vm = lab.CreateVm(designs: Memfd with { MemfdRegistration = registration });
                var split = lab.CreateMemfd(BackendKind.Simulator, null, 4 * MiB);
                lab.SealMemfd(split);
                lab.BindMemfd(split, vm, 0xC0000000, 2 * MiB, 0);
                if (registration == MemfdRegistration.PerKvm) lab.BindMemfd(split, vm, 1UL << 32, 2 * MiB, 2 * MiB);
                else Assert.Equal(Errno.EPERM, ExampleSession.Refusal(() => lab.BindMemfd(split, vm, 1UL << 32, 2 * MiB, 2 * MiB)).Errno);
            }
        }
    }
}
