using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/design-who-pins-whom.ps1 (seed A, scenarios 1, 2, 4, 5): upstream's "file pins the VM"
    /// next to Ackerley's "memslots pin the file", and Sean's rebinding objection. Same steps through GmemLab
    /// on the Simulator; every claim of the script is asserted here.
    /// </summary>
    public class WhoPinsWhomTwinTests
    {
        private const ulong MiB = ExampleSession.MiB;
        private const GuestMemfdFlags Shared = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared;
        private static readonly DesignPolicies Alternative = DesignPolicies.Upstream with { PinModel = PinModel.SlotPinsFile };

        [Fact]
        public void Scenario_1_upstream_the_file_keeps_the_vm_alive()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm = lab.CreateVm();
            var file = lab.CreateFile(vm, 2 * MiB, Shared);
            lab.Bind(file, 0);
            s.Mark();
            lab.CloseVm(vm);
            lab.Allocate(file, 0, (long)(2 * MiB));
            lab.PunchHole(file, 0, 4096);
            var kept = Assert.Single(s.Since<VmKeptAliveByFiles>());
            Assert.Equal(1, kept.Files);
            Assert.StartsWith("Seed A, upstream", kept.Design);
            Assert.Empty(s.Since<VmDestroyed>());
            lab.CloseFile(file);
            Assert.Single(s.Since<VmDestroyed>());
        }

        [Fact]
        public void Scenario_1_and_2_alternative_the_vm_goes_the_file_stays_and_a_slot_holds_its_file()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            s.Mark();
            var alt = lab.CreateVm(designs: Alternative);
            var altFile = lab.CreateFile(alt, 2 * MiB, Shared);
            lab.Bind(altFile, 0);
            int altVmId = s.Since<VmCreated>().Last().VmId;
            s.Mark();
            lab.CloseVm(alt);
            Assert.Single(s.Since<VmDestroyed>(), e => e.VmId == altVmId);
            Assert.Single(s.Since<GmemOwnerCleared>());
            lab.Allocate(altFile, 0, (long)(2 * MiB));
            Assert.Equal(LabObjectState.Open, lab.FindFile(altFile.Id).State);

            var alt2 = lab.CreateVm(designs: Alternative);
            var alt2File = lab.CreateFile(alt2, 2 * MiB);
            lab.Bind(alt2File, 0);
            s.Mark();
            lab.CloseFile(alt2File);
            Assert.Single(s.Since<FileKeptAliveBySlots>());
            Assert.Empty(s.Since<Invalidated>());
        }

        [Fact]
        public void Scenario_4_upstream_refuses_and_the_alternative_exposes_or_zeroes()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var vm1 = lab.CreateVm();
            var vm2 = lab.CreateVm();
            var shared = lab.CreateFile(vm1, 2 * MiB, Shared);
            var refusal = ExampleSession.Refusal(() => lab.Bind(shared, 0, vm: vm2));
            Assert.Equal((Errno.EINVAL, "GmemFdOtherVm"), (refusal.Errno, refusal.Rule.Id));

            foreach (var policy in new[] { RebindPolicy.Expose, RebindPolicy.ZeroOnRebind })
            {
                var designs = Alternative with { RebindPolicy = policy };
                var first = lab.CreateVm(designs: designs);
                var second = lab.CreateVm(designs: designs);
                var data = lab.CreateFile(first, 2 * MiB, Shared);
                var slot = lab.Bind(data, 0);
                Assert.True(lab.GuestWrite(first, 0x3000, Enumerable.Repeat((byte)0xaa, 16).ToArray()).Completed);
                lab.RemoveMemslot(slot);
                s.Mark();
                lab.Bind(data, 0, vm: second);
                var read = lab.GuestRead(second, 0x3000, 16).Data;
                var exposed = s.Since<DataExposedToOtherVm>();
                if (policy == RebindPolicy.Expose)
                {
                    Assert.Equal(Enumerable.Repeat((byte)0xaa, 16), read);
                    Assert.Contains("Sean's objection", Assert.Single(exposed).Design);
                }
                else
                {
                    Assert.Equal(new byte[16], read);
                    Assert.Empty(exposed);
                    Assert.Single(s.Since<PagesZeroedForNewOwner>(), e => e.Design.Contains("option (c)"));
                }
            }
        }

        [Fact]
        public void Scenario_5_the_system_ioctl_is_refused_upstream_and_the_first_bind_owns_the_alternatives_file()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var refusal = ExampleSession.Refusal(() => lab.CreateSystemFile(BackendKind.Simulator, null, 2 * MiB, GuestMemfdFlags.None, DesignPolicies.Upstream));
            Assert.Equal((Errno.EINVAL, "GmemCreateIsVmIoctl"), (refusal.Errno, refusal.Rule.Id));
            s.Mark();
            var unowned = lab.CreateSystemFile(BackendKind.Simulator, null, 2 * MiB, GuestMemfdFlags.None, Alternative);
            Assert.Null(unowned.Vm);
            var owner = lab.CreateVm(designs: Alternative);
            lab.Bind(unowned, 0, vm: owner);
            Assert.Single(s.Since<GmemOwnerSet>());
        }
    }
}
