using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/design-vfio-holds-vm.ps1 (seed E, scenarios 31-35): the 2023 fixes against the pre-fix
    /// group_lock deadlock, kvm_put_kvm_async, kvm_get_kvm_safe on a dying VM, get-then-drop, and what pins kvm.ko.
    /// Same steps through GmemLab on the Simulator; every claim of the script is asserted here.
    /// </summary>
    public class VfioHoldsVmTwinTests
    {
        private sealed record Setup(LabVm Vm, LabKvmVfioDevice KvmVfio, LabVfioDevice Device);

        private static Setup VfioVm(GmemLab lab, DesignPolicies designs)
        {
            var vm = lab.CreateVm(designs: designs);
            var kv = lab.CreateKvmVfioDevice(vm);
            return new Setup(vm, kv, lab.OpenVfioDevice(kv));
        }

        private static void CloseInScenarioOrder(GmemLab lab, Setup s)
        {
            lab.CloseVm(s.Vm);
            lab.CloseKvmVfioDevice(s.KvmVfio);
            lab.CloseVfioDevice(s.Device);
        }

        private static readonly DesignPolicies PreFix = DesignPolicies.Upstream with { VfioRefPolicy = VfioRefPolicy.DriverTakes, KvmVfioCleanup = KvmVfioCleanup.Destroy };

        [Fact]
        public void Scenarios_31_and_32_the_close_order_with_and_without_the_fixes()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            s.Mark();
            CloseInScenarioOrder(lab, VfioVm(lab, DesignPolicies.Upstream));
            Assert.StartsWith("Seed E, upstream 51cdc8bc120e", s.Since<VfioGroupKvmCleared>()[0].Design);
            Assert.Single(s.Since<VmDestroyed>());
            Assert.Empty(s.Since<LockDeadlock>());

            s.Mark();
            CloseInScenarioOrder(lab, VfioVm(lab, PreFix));
            var deadlock = Assert.Single(s.Since<LockDeadlock>());
            Assert.StartsWith("group_lock", deadlock.Lock);
            Assert.Contains("kvm_vfio_destroy", deadlock.Path);

            s.Mark();
            CloseInScenarioOrder(lab, VfioVm(lab, PreFix with { DestroyTrigger = DestroyTrigger.AsyncPut }));
            Assert.Single(s.Since<VmDestroyDeferred>());
            Assert.Equal(1, lab.RunWorkQueue(BackendKind.Simulator, null));
            Assert.Single(s.Since<VmDestroyed>());
            Assert.Empty(s.Since<LockDeadlock>());
        }

        [Fact]
        public void Scenario_33_a_device_opened_while_the_vm_dies_gets_no_vm()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var v = VfioVm(lab, DesignPolicies.Upstream with { KvmVfioCleanup = KvmVfioCleanup.Destroy, DestroyTrigger = DestroyTrigger.AsyncPut });
            lab.CloseVfioDevice(v.Device);
            lab.CloseVm(v.Vm);
            lab.CloseKvmVfioDevice(v.KvmVfio);
            s.Mark();
            var late = lab.OpenVfioDeviceInGroupOf(v.Device);
            Assert.Single(s.Since<KvmGetSafeFailed>());
            Assert.Equal(-1, s.Since<VfioDeviceOpened>()[0].VmId);
            lab.RunWorkQueue(BackendKind.Simulator, null);
            lab.CloseVfioDevice(late);
        }

        [Theory]
        [InlineData(VfioRefPolicy.CoreSafeGet)]
        [InlineData(VfioRefPolicy.CoreGetThenDrop)]
        public void Scenario_34_the_source_vm_and_its_open_vfio_device(VfioRefPolicy policy)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var v = VfioVm(lab, DesignPolicies.Upstream with { VfioRefPolicy = policy });
            s.Mark();
            lab.CloseVm(v.Vm);
            lab.CloseKvmVfioDevice(v.KvmVfio);
            if (policy == VfioRefPolicy.CoreSafeGet)
            {
                Assert.Empty(s.Since<VmDestroyed>());
                Assert.Single(s.Since<VmKeptAliveByVfio>());
            }
            else Assert.Single(s.Since<VmDestroyed>());
            lab.CloseVfioDevice(v.Device);
        }

        [Fact]
        public void Scenario_35_rmmod_kvm_is_refused_by_what_pins_the_module()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var designs = new[]
            {
                DesignPolicies.Upstream with { ModulePinning = ModulePinning.SymbolGet },
                DesignPolicies.Upstream with { ModulePinning = ModulePinning.ModuleRef },
                DesignPolicies.Upstream with { VfioRefPolicy = VfioRefPolicy.VmFileRef },
            };
            foreach (var d in designs)
            {
                var v = VfioVm(lab, d);
                lab.CloseVm(v.Vm);
                lab.CloseKvmVfioDevice(v.KvmVfio);
                var result = lab.TryUnloadKvmModule(BackendKind.Simulator, null);
                Assert.False(result.Unloadable);
                Assert.StartsWith("VFIO device", result.Holder);
                lab.CloseVfioDevice(v.Device);
            }
            Assert.True(lab.TryUnloadKvmModule(BackendKind.Simulator, null).Unloadable);
        }
    }
}
