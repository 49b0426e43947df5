using System.Collections.Generic;
using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // Seed E (2023-2026): VFIO holding the VM. A kvm-vfio device lends its VM to VFIO groups (group->kvm, no
    // reference, under group_lock); a VFIO device takes a reference at open by the design's policy. The locks are
    // tracked as lockdep would: taking a lock the task already holds is a deadlock, taking two in the opposite order
    // of an earlier path an inversion. Upstream's fixes (the core's kvm_get_kvm_safe with the put outside
    // group_lock, and cleanup at .release) leave no deadlock; the pre-fix ordering re-enters group_lock.
    internal sealed partial class SimKernel
    {
        private readonly List<SimVfioGroup> vfioGroups = new List<SimVfioGroup>();
        private readonly List<SimVfioDevice> vfioDevices = new List<SimVfioDevice>();
        private readonly List<SimKvmVfioDevice> kvmVfioDevices = new List<SimKvmVfioDevice>();
        private readonly List<SimKvm> pendingDestroys = new List<SimKvm>();
        private readonly List<string> heldLocks = new List<string>();
        private readonly HashSet<(string Before, string After)> lockOrder = new HashSet<(string, string)>();
        /// <summary>rmmod kvm went through while VFIO still held a VM (possible only with KVM's get/put pointers).</summary>
        private bool kvmModuleUnloaded;

        public IReadOnlyList<SimVfioDevice> VfioDevices => vfioDevices;
        public IReadOnlyList<SimVfioGroup> VfioGroups => vfioGroups;
        public IReadOnlyList<SimKvmVfioDevice> KvmVfioDevices => kvmVfioDevices;
        public IReadOnlyList<string> HeldLocks => heldLocks;

        // ---- lock tracking ----

        /// <summary>Takes a lock as lockdep sees it; both reports name Alex Williamson's group_lock deadlock.</summary>
        internal void Acquire(string lockName, string path)
        {
            if (heldLocks.Contains(lockName))
            {
                Emit(new LockDeadlock(lockName, string.Join(" > ", heldLocks), path, DesignDecisions.LockOrder));
                heldLocks.Add(lockName); // the real task hangs here; the model records the splat and goes on
                return;
            }
            foreach (var held in heldLocks)
                if (lockOrder.Contains((lockName, held)))
                    Emit(new LockOrderInversion(lockName, held, path, DesignDecisions.LockOrder));
            foreach (var held in heldLocks) lockOrder.Add((held, lockName));
            heldLocks.Add(lockName);
        }

        internal void ReleaseLock(string lockName) => heldLocks.RemoveAt(heldLocks.LastIndexOf(lockName));

        // ---- kvm-vfio device and VFIO devices ----

        public (SimKvmVfioDevice Device, int Fd) CreateKvmVfioDevice(SimKvm kvm)
        {
            var device = new SimKvmVfioDevice(kvm);
            kvm.UsersCount++; // kvm_create_device: the device fd pins the VM
            kvmVfioDevices.Add(device);
            return (device, InstallDescriptor(device));
        }

        /// <summary>A VFIO device in a new group, whose file KVM_DEV_VFIO_FILE_ADD hands to the kvm-vfio device.</summary>
        public (SimVfioDevice Device, int Fd) OpenVfioDevice(SimKvmVfioDevice kvmVfio)
        {
            var group = new SimVfioGroup(vfioGroups.Count);
            vfioGroups.Add(group);
            string kvLock = $"kvm_vfio->lock of vm {kvmVfio.Kvm.Id}";
            Acquire(kvLock, "KVM_DEV_VFIO_FILE_ADD");
            Acquire(group.Lock, "KVM_DEV_VFIO_FILE_ADD → vfio_file_set_kvm");
            group.Kvm = kvmVfio.Kvm;
            kvmVfio.Groups.Add(group);
            ReleaseLock(group.Lock);
            ReleaseLock(kvLock);
            return OpenVfioDevice(group);
        }

        public (SimVfioDevice Device, int Fd) OpenVfioDevice(int groupNumber)
        {
            var group = vfioGroups.FirstOrDefault(g => g.Number == groupNumber)
                ?? throw Refuse(KernelOperation.VfioDeviceOpen, KernelRules.VfioGroupUnknown, $"group {groupNumber}", $"{vfioGroups.Count} group(s) exist");
            return OpenVfioDevice(group);
        }

        private (SimVfioDevice Device, int Fd) OpenVfioDevice(SimVfioGroup group)
        {
            var device = new SimVfioDevice(vfioDevices.Count, group);
            vfioDevices.Add(device);
            int fd = InstallDescriptor(device);
            var kvm = group.Kvm;
            Acquire(group.Lock, "vfio device open");
            if (kvm == null)
            {
                ReleaseLock(group.Lock);
                Emit(new VfioDeviceOpened(device.Id, group.Number, -1, "no VM was handed to its group", DesignDecisions.CoreSafeGet));
                return (device, fd);
            }
            var policy = kvm.Designs.VfioRefPolicy;
            bool dying = kvm.UsersCount == 0;
            if (policy == VfioRefPolicy.DriverTakes)
            {
                // The driver's open_device: a plain kvm_get_kvm, whatever the count.
                if (dying) Emit(new DyingVmResurrected(device.Id, kvm.Id, DesignDecisions.GetSafe));
                kvm.UsersCount++;
                device.Kvm = kvm;
                device.HoldsKvm = true;
                ReleaseLock(group.Lock);
                Emit(new VfioDeviceOpened(device.Id, group.Number, kvm.Id, "the driver took kvm_get_kvm", DesignDecisions.DriverTakes));
                return (device, fd);
            }
            if (dying)
            {
                // kvm_get_kvm_safe (or get_file_active on the VM file) fails: the device opens with kvm == NULL.
                ReleaseLock(group.Lock);
                Emit(new KvmGetSafeFailed(device.Id, kvm.Id, policy == VfioRefPolicy.VmFileRef ? DesignDecisions.VmFileRef : DesignDecisions.GetSafe));
                Emit(new VfioDeviceOpened(device.Id, group.Number, -1, "kvm_get_kvm_safe failed", DesignDecisions.CoreSafeGet));
                return (device, fd);
            }
            kvm.UsersCount++;
            device.Kvm = kvm;
            device.HoldsKvm = true;
            ReleaseLock(group.Lock);
            var (how, design) = policy switch
            {
                VfioRefPolicy.VmFileRef => ("VFIO holds the VM's file", DesignDecisions.VmFileRef),
                VfioRefPolicy.KvmOpsGetPut => ("the VFIO core called KVM's get_kvm function pointer", DesignDecisions.KvmOps),
                _ => ("the VFIO core took kvm_get_kvm_safe", DesignDecisions.CoreSafeGet),
            };
            Emit(new VfioDeviceOpened(device.Id, group.Number, kvm.Id, how, design));
            if (policy == VfioRefPolicy.CoreGetThenDrop)
            {
                device.HoldsKvm = false;
                Emit(new KvmReferenceDropped(device.Id, kvm.Id, DesignDecisions.GetThenDrop));
                PutKvm(kvm);
            }
            return (device, fd);
        }

        private void CloseVfioDevice(SimVfioDevice device)
        {
            device.Released = true;
            var group = device.Group;
            var kvm = device.Kvm;
            bool driverPut = kvm != null && device.HoldsKvm && kvm.Designs.VfioRefPolicy == VfioRefPolicy.DriverTakes;
            Acquire(group.Lock, "vfio device close");
            if (driverPut) PutDeviceReference(device); // close_device drops it under group_lock
            ReleaseLock(group.Lock);
            if (!driverPut && device.HoldsKvm) PutDeviceReference(device); // vfio_device_put_kvm, outside the lock
        }

        private void PutDeviceReference(SimVfioDevice device)
        {
            var kvm = device.Kvm!;
            device.HoldsKvm = false;
            if (kvmModuleUnloaded && kvm.Designs.VfioRefPolicy == VfioRefPolicy.KvmOpsGetPut)
                Emit(new UseAfterFree("kvm_put_kvm's code in the unloaded kvm.ko", $"VFIO device {device.Id}'s put_kvm function pointer", DesignDecisions.KvmOps));
            if (kvm.Destroyed)
            {
                Emit(new UseAfterFree($"struct kvm of vm {kvm.Id} (destroyed while VFIO device {device.Id} held it)", "the VFIO device's kvm_put_kvm", DesignDecisions.GetSafe));
                return;
            }
            PutKvm(kvm);
        }

        /// <summary>The kvm-vfio device fd's .release: upstream clears group->kvm here; before the fix it left that to .destroy.</summary>
        private void CloseKvmVfioDevice(SimKvmVfioDevice device)
        {
            device.Released = true;
            if (device.Kvm.Designs.KvmVfioCleanup == KvmVfioCleanup.Release) CleanUpKvmVfio(device, ".release of the kvm-vfio device fd", DesignDecisions.ReleaseCleanup);
            PutKvm(device.Kvm);
        }

        private void CleanUpKvmVfio(SimKvmVfioDevice device, string by, string design)
        {
            if (device.CleanedUp) return;
            device.CleanedUp = true;
            foreach (var group in device.Groups)
            {
                Acquire(group.Lock, $"{by} → vfio_file_set_kvm(NULL)");
                group.Kvm = null;
                ReleaseLock(group.Lock);
                Emit(new VfioGroupKvmCleared(group.Number, device.Kvm.Id, by, design));
            }
        }

        /// <summary>kvm_destroy_vm → kvm_destroy_devices: the kvm-vfio device's .destroy (the pre-fix cleanup).</summary>
        private void DestroyKvmDevices(SimKvm kvm)
        {
            foreach (var device in kvmVfioDevices.Where(d => d.Kvm == kvm).ToList())
            {
                CleanUpKvmVfio(device, "kvm_destroy_vm → kvm_vfio_destroy", DesignDecisions.DestroyCleanup);
                kvmVfioDevices.Remove(device);
            }
        }

        /// <summary>The last put under kvm_put_kvm_async: destroy later, from the work queue.</summary>
        private bool DeferDestroy(SimKvm kvm)
        {
            if (kvm.Designs.DestroyTrigger != DestroyTrigger.AsyncPut) return false;
            kvm.DestroyPending = true;
            pendingDestroys.Add(kvm);
            Emit(new VmDestroyDeferred(kvm.Id, DesignDecisions.AsyncPut));
            return true;
        }

        public int RunWorkQueue()
        {
            var work = pendingDestroys.ToList();
            pendingDestroys.Clear();
            foreach (var kvm in work) DestroyVm(kvm); // the destroy was decided; a reference taken since does not stop it
            return work.Count;
        }

        /// <summary>delete_module("kvm"): refused while anything pins the module, with the design that explains the pin.</summary>
        public void UnloadKvmModule()
        {
            string? holder = null, design = DesignDecisions.SymbolGet;
            var vmFd = descriptors.Values.OfType<SimKvm>().FirstOrDefault();
            // Under KVM's get/put function pointers nothing pins the module: those devices and the VMs only they hold do not count.
            var device = vfioDevices.FirstOrDefault(d => !d.Released && d.HoldsKvm && d.Kvm!.Designs.VfioRefPolicy != VfioRefPolicy.KvmOpsGetPut);
            var opsOnly = vfioDevices.Where(d => !d.Released && d.HoldsKvm && d.Kvm!.Designs.VfioRefPolicy == VfioRefPolicy.KvmOpsGetPut).ToList();
            if (vmFd != null) holder = $"vm {vmFd.Id}'s fd (its file_operations belong to kvm.ko)";
            else if (device != null)
            {
                var kvm = device.Kvm!;
                (holder, design) = kvm.Designs.VfioRefPolicy switch
                {
                    VfioRefPolicy.VmFileRef => ($"VFIO device {device.Id} holds vm {kvm.Id}'s struct file, whose f_op->owner is kvm.ko", DesignDecisions.VmFileRef),
                    VfioRefPolicy.DriverTakes => ($"VFIO device {device.Id}'s driver module links against kvm's symbols", DesignDecisions.DriverTakes),
                    _ => kvm.Designs.ModulePinning == ModulePinning.ModuleRef
                        ? ($"VFIO device {device.Id} holds a module reference on kvm.ko", DesignDecisions.ModuleRef)
                        : ($"VFIO device {device.Id}'s symbol_get(kvm_put_kvm) pins kvm.ko", DesignDecisions.SymbolGet),
                };
            }
            else if (liveVms.FirstOrDefault(v => !opsOnly.Any(d => d.Kvm == v)) is SimKvm alive)
                holder = $"vm {alive.Id} is still alive (a guest_memfd file or a pending destroy holds it)";
            if (holder == null)
            {
                if (opsOnly.Count == 0) return;
                kvmModuleUnloaded = true;
                Emit(new KvmModuleUnloaded($"VFIO device {opsOnly[0].Id} still holds vm {opsOnly[0].Kvm!.Id} through KVM's function pointers, which pin nothing", DesignDecisions.KvmOps));
                return;
            }
            Emit(new KvmModulePinned(holder, design));
            throw Refuse(KernelOperation.DeleteModule, KernelRules.KvmModuleInUse, "kvm", holder);
        }
    }
}
