using System.Linq;

namespace GmemPS.Lab
{
    // What the kernel still has, told in the objects' states. The Kvm backend cannot see a VM's destruction,
    // so the session derives it the way upstream decides it, the same on both backends: a guest_memfd holds
    // a reference on its VM until the file is released (its fd and every mapping of it gone), so a VM dies
    // when its fd and every guest_memfd of it are closed, and its memslots go with it.
    public sealed partial class GmemLab
    {
        /// <summary>After a close or unmap: a VM whose fd is closed is KeptAlive while a file of it lives, else Destroyed.</summary>
        private void SettleLifetime(LabVm? vm)
        {
            if (vm == null || !vm.Designs.IsUpstream) return;
            if (vm.State == LabObjectState.Open || vm.State == LabObjectState.Destroyed) return;
            vm.State = files.Any(f => f.VmObject == vm && IsAlive(f)) ? LabObjectState.KeptAlive : LabObjectState.Destroyed;
            if (vm.State == LabObjectState.Destroyed) MarkDestroyed(vm);
        }

        /// <summary>A file lives while its fd or a mapping of it is open (a mapping holds a file reference).</summary>
        private bool IsAlive(LabFile file) =>
            file.State == LabObjectState.Open || mappings.Any(m => m.FileObject == file && m.State == LabObjectState.Open);

        private void MarkDestroyed(LabVm vm)
        {
            vm.State = LabObjectState.Destroyed;
            foreach (var slot in memslots)
                if (slot.VmObject == vm && slot.State == LabObjectState.Open) slot.State = LabObjectState.Destroyed;
        }
    }
}
