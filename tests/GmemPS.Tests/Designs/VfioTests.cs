using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// Seed E, VFIO holding the VM (seeds-and-peers.md §E): the kvm-vfio device, VFIO devices taking a VM reference
    /// by policy, the 2023 fixes against the pre-fix ordering, kvm_put_kvm_async, the 2025 and 2026 proposals, and
    /// lockdep-style tracking of group_lock. One test per scenario line (31-35), invariants after every step.
    /// </summary>
    public sealed class VfioTests
    {
        private static readonly DesignPolicies PreFix = DesignPolicies.Upstream with
        {
            VfioRefPolicy = VfioRefPolicy.DriverTakes, KvmVfioCleanup = KvmVfioCleanup.Destroy,
        };

        /// <summary>A VM with a kvm-vfio device and one VFIO device opened through it.</summary>
        private static (DesignHost D, IDesignVm Vm, IKvmVfioDevice KvmVfio, IVfioDevice Device) Setup(DesignPolicies designs)
        {
            var d = new DesignHost();
            var vm = (IDesignVm)d.Vm(designs);
            var kvmVfio = d.Step(vm.CreateKvmVfioDevice);
            var device = d.Step(kvmVfio.OpenVfioDevice);
            return (d, vm, kvmVfio, device);
        }

        /// <summary>Scenario 31's ordering: the VM fd, then the kvm-vfio device fd, then the VFIO device fd.</summary>
        private static void CloseInOrder(DesignHost d, IGmemVm vm, IKvmVfioDevice kvmVfio, IVfioDevice device)
        {
            d.Step(vm.Close);
            d.Step(kvmVfio.Close);
            d.Step(device.Close);
        }

        [Fact]
        public void Scenario_31_with_the_2023_fixes_the_last_put_comes_from_vfio_close_without_a_deadlock()
        {
            var (d, vm, kvmVfio, device) = Setup(DesignPolicies.Upstream);
            Assert.Equal(DesignDecisions.CoreSafeGet, d.Host.Events.Since(0).OfType<VfioDeviceOpened>().Single().Design);
            d.Mark();
            d.Step(vm.Close);
            d.Step(kvmVfio.Close);
            var cleared = Assert.Single(d.Since<VfioGroupKvmCleared>());
            Assert.Equal(DesignDecisions.ReleaseCleanup, cleared.Design);
            Assert.Single(d.Since<VmKeptAliveByVfio>());
            Assert.Empty(d.Since<VmDestroyed>());
            d.Mark();
            d.Step(device.Close);
            Assert.Equal(new[] { "VmDestroyed" }, d.Kinds());
            Assert.Empty(d.Host.Events.Since(0).OfType<LockDeadlock>());
            Assert.Empty(d.Host.Events.Since(0).OfType<LockOrderInversion>());
        }

        [Fact]
        public void Scenario_32_pre_fix_the_destroy_cleanup_under_a_driver_put_reenters_group_lock()
        {
            var (d, vm, kvmVfio, device) = Setup(PreFix);
            d.Mark();
            CloseInOrder(d, vm, kvmVfio, device);
            var deadlock = Assert.Single(d.Since<LockDeadlock>());
            Assert.Equal(("group_lock of VFIO group 0", DesignDecisions.LockOrder), (deadlock.Lock, deadlock.Design));
            Assert.Contains("kvm_vfio_destroy", deadlock.Path);
            Assert.Equal(DesignDecisions.DestroyCleanup, Assert.Single(d.Since<VfioGroupKvmCleared>()).Design);
            d.AssertDesignEventsNameTheirDecision();
        }

        [Fact]
        public void Scenario_32_the_async_put_variant_destroys_later_outside_group_lock()
        {
            var (d, vm, kvmVfio, device) = Setup(PreFix with { DestroyTrigger = DestroyTrigger.AsyncPut });
            d.Mark();
            CloseInOrder(d, vm, kvmVfio, device);
            Assert.Single(d.Since<VmDestroyDeferred>());
            Assert.Empty(d.Since<VmDestroyed>());
            Assert.Equal(1, d.Step(() => d.Host.RunWorkQueue()));
            Assert.Single(d.Since<VmDestroyed>());
            Assert.Empty(d.Since<LockDeadlock>());
        }

        [Theory]
        [InlineData(VfioRefPolicy.CoreSafeGet)]
        [InlineData(VfioRefPolicy.DriverTakes)]
        public void Scenario_33_opening_a_vfio_device_as_the_vm_dies(VfioRefPolicy policy)
        {
            // The window: the VM's users_count is 0 and its destroy (the pre-fix kvm-vfio cleanup with it) has not run yet.
            var designs = DesignPolicies.Upstream with { VfioRefPolicy = policy, KvmVfioCleanup = KvmVfioCleanup.Destroy, DestroyTrigger = DestroyTrigger.AsyncPut };
            var d = new DesignHost();
            var vm = (IDesignVm)d.Vm(designs);
            var kvmVfio = d.Step(vm.CreateKvmVfioDevice);
            var first = d.Step(kvmVfio.OpenVfioDevice);
            d.Step(first.Close);
            d.Step(vm.Close);
            d.Step(kvmVfio.Close);
            Assert.Single(d.Host.Events.Since(0).OfType<VmDestroyDeferred>());
            d.Mark();
            var late = d.Step(() => d.Host.OpenVfioDevice(first.Group));
            if (policy == VfioRefPolicy.CoreSafeGet)
            {
                Assert.Equal(DesignDecisions.GetSafe, Assert.Single(d.Since<KvmGetSafeFailed>()).Design);
                Assert.Equal(-1, d.Since<VfioDeviceOpened>().Single().VmId); // the device opens with kvm == NULL
                d.Step(() => d.Host.RunWorkQueue());
                d.Step(late.Close);
                Assert.Empty(d.Host.Events.Since(0).OfType<UseAfterFree>());
            }
            else
            {
                Assert.Single(d.Since<DyingVmResurrected>());
                d.Step(() => d.Host.RunWorkQueue()); // the destroy goes ahead
                d.Mark();
                d.Step(late.Close);
                Assert.Single(d.Since<UseAfterFree>());
            }
        }

        [Theory]
        [InlineData(VfioRefPolicy.CoreSafeGet, false)]
        [InlineData(VfioRefPolicy.CoreGetThenDrop, true)]
        [InlineData(VfioRefPolicy.VmFileRef, false)]
        public void Scenario_34_after_migration_the_source_vm_lives_while_its_vfio_device_is_open_unless_the_reference_is_dropped(
            VfioRefPolicy policy, bool destroyedAtOnce)
        {
            var (d, vm, kvmVfio, device) = Setup(DesignPolicies.Upstream with { VfioRefPolicy = policy });
            d.Mark();
            d.Step(vm.Close);      // the VMM moved the guest to another struct kvm
            d.Step(kvmVfio.Close);
            Assert.Equal(destroyedAtOnce, d.Since<VmDestroyed>().Count == 1);
            if (destroyedAtOnce) Assert.Single(d.Host.Events.Since(0).OfType<KvmReferenceDropped>());
            else Assert.Single(d.Since<VmKeptAliveByVfio>());
            d.Step(device.Close);
            Assert.Single(d.Since<VmDestroyed>());
        }

        [Theory]
        [InlineData(VfioRefPolicy.CoreSafeGet, ModulePinning.SymbolGet, "symbol_get")]
        [InlineData(VfioRefPolicy.CoreSafeGet, ModulePinning.ModuleRef, "module reference")]
        [InlineData(VfioRefPolicy.VmFileRef, ModulePinning.SymbolGet, "struct file")]
        public void Scenario_35_rmmod_kvm_while_vfio_holds_a_vm_is_refused_by_what_pins_the_module(VfioRefPolicy policy, ModulePinning pinning, string holder)
        {
            var (d, vm, kvmVfio, device) = Setup(DesignPolicies.Upstream with { VfioRefPolicy = policy, ModulePinning = pinning });
            Assert.Contains("vm 0's fd", Assert.Throws<GmemException>(() => d.Step(d.Host.UnloadKvmModule)).Detail);
            d.Step(vm.Close);
            d.Step(kvmVfio.Close);
            d.Mark();
            var e = Assert.Throws<GmemException>(() => d.Step(d.Host.UnloadKvmModule));
            Assert.Equal((Errno.EBUSY, KernelRules.KvmModuleInUse.Id), (e.Errno, e.Rule.Id));
            Assert.Contains(holder, Assert.Single(d.Since<KvmModulePinned>()).Holder);
            d.Step(device.Close);
            d.Step(d.Host.UnloadKvmModule); // nothing pins it any more
        }

        [Fact]
        public void Scenario_35_with_kvms_get_put_pointers_nothing_pins_the_module_and_the_later_put_runs_unloaded_code()
        {
            var (d, vm, kvmVfio, device) = Setup(DesignPolicies.Upstream with { VfioRefPolicy = VfioRefPolicy.KvmOpsGetPut });
            Assert.Equal(DesignDecisions.KvmOps, d.Host.Events.Since(0).OfType<VfioDeviceOpened>().Single().Design);
            d.Step(vm.Close);
            d.Step(kvmVfio.Close);
            d.Mark();
            d.Step(d.Host.UnloadKvmModule); // not refused: the VFIO device's pointers pin nothing
            Assert.Single(d.Since<KvmModuleUnloaded>());
            d.Step(device.Close);
            Assert.Equal(DesignDecisions.KvmOps, Assert.Single(d.Since<UseAfterFree>()).Design);
        }

        [Fact]
        public void The_lock_tracker_reports_a_recursive_acquisition_and_an_abba_inversion_as_lockdep_would()
        {
            var d = new DesignHost();
            var kernel = d.Host.Kernel;
            d.Mark();
            kernel.Acquire("A", "path 1");
            kernel.Acquire("B", "path 1");
            kernel.ReleaseLock("B");
            kernel.ReleaseLock("A");
            Assert.Empty(d.Since<DesignEvent>());
            kernel.Acquire("B", "path 2");
            kernel.Acquire("A", "path 2");
            var inversion = Assert.Single(d.Since<LockOrderInversion>());
            Assert.Equal(("A", "B", "path 2"), (inversion.First, inversion.Second, inversion.Path));
            kernel.Acquire("A", "path 3");
            Assert.Equal("B > A", Assert.Single(d.Since<LockDeadlock>()).Held);
            kernel.ReleaseLock("A");
            kernel.ReleaseLock("A");
            kernel.ReleaseLock("B");
            d.Host.CheckInvariants();
        }
    }
}
