using System.Collections.Generic;

namespace GmemPS.Simulator.Objects
{
    /// <summary>The kvm-vfio device (KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)): its fd pins the VM; it lends the VM to its groups.</summary>
    internal sealed class SimKvmVfioDevice
    {
        public SimKvmVfioDevice(SimKvm kvm)
        {
            Kvm = kvm;
        }

        public SimKvm Kvm { get; }
        /// <summary>The groups added with KVM_DEV_VFIO_FILE_ADD.</summary>
        public List<SimVfioGroup> Groups { get; } = new List<SimVfioGroup>();
        /// <summary>Its fd was closed (.release ran).</summary>
        public bool Released { get; set; }
        /// <summary>group->kvm was cleared for its groups (by .release or by .destroy).</summary>
        public bool CleanedUp { get; set; }
    }

    /// <summary>A VFIO group: group->kvm is a pointer without a reference, set by FILE_ADD, guarded by group_lock.</summary>
    internal sealed class SimVfioGroup
    {
        public SimVfioGroup(int number)
        {
            Number = number;
        }

        public int Number { get; }
        public SimKvm? Kvm { get; set; }
        public string Lock => $"group_lock of VFIO group {Number}";
    }

    /// <summary>An open VFIO device, and the reference on a VM its open took (by the design's policy).</summary>
    internal sealed class SimVfioDevice
    {
        public SimVfioDevice(int id, SimVfioGroup group)
        {
            Id = id;
            Group = group;
        }

        public int Id { get; }
        public SimVfioGroup Group { get; }
        /// <summary>device->kvm: the VM it was opened with (null: none, or kvm_get_kvm_safe failed).</summary>
        public SimKvm? Kvm { get; set; }
        /// <summary>It holds a users_count reference (directly, or through the VM's file).</summary>
        public bool HoldsKvm { get; set; }
        public bool Released { get; set; }
    }
}
