using System;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// Lets a real vCPU read or write guest physical memory, one access within one page. Per access:
    /// add the scratch memslot (free id, free gpa), point the target window at the gpa, run the copy stub,
    /// delete the scratch slot. Between accesses the VM holds exactly the user's slots, so nothing the
    /// user observes (EEXIST, slot ids, gpa ranges) changes because guest access exists. The scratch slot is
    /// ordinary anonymous memory: the guest_memfd rules never apply to it.
    /// </summary>
    internal sealed class GuestAccessor : IDisposable
    {
        private const int VmExitIntr = 10;        // KVM_EXIT_INTR: a host signal interrupted KVM_RUN
        private const int MaxSignalRetries = 1000;
        private const int MaxPendingCompletions = 8;

        private readonly KvmVm vm;
        private ScratchMemory? scratch;
        private KvmVcpu? vcpu;
        private KvmSregs resetSregs;
        private uint vcpuId;
        private int physicalAddressBits;
        /// <summary>The last run stopped mid-instruction (MMIO, shutdown, ...): finish it before reusing the vCPU.</summary>
        private bool exitPending;

        public GuestAccessor(KvmVm vm) { this.vm = vm; }

        public GuestAccessResult Read(ulong gpa, int length) => Access(gpa, length, write: null);

        public GuestAccessResult Write(ulong gpa, byte[] data) => Access(gpa, data.Length, data);

        private GuestAccessResult Access(ulong gpa, int length, byte[]? write)
        {
            EnsureVcpu();
            // The contract's rule, with this vCPU's MAXPHYADDR from KVM_GET_SUPPORTED_CPUID (one page never straddles it).
            GuestAccessBounds.CheckAddressWidth(gpa, physicalAddressBits);
            ulong limit = physicalAddressBits >= 64 ? ulong.MaxValue : 1UL << physicalAddressBits;

            uint slotId = ScratchPlacement.SlotId(vm.Memslots);
            ulong scratchGpa = ScratchPlacement.Gpa(vm.Memslots, vm.Host.Options.ScratchGpa, gpa, limit);
            scratch!.MapPages(scratchGpa, gpa);
            if (write != null) scratch.FillBuffer(write);

            SetScratchSlot(slotId, scratchGpa, ScratchMemory.Size);
            try
            {
                if (exitPending) FinishPendingExit();
                vcpu!.SetSregs(LongModeState.Sregs(resetSregs, scratch.PageTableRoot(scratchGpa)));
                ulong window = ScratchMemory.TargetWindow + (gpa & (ulong)(KvmLimits.PageSize - 1));
                vcpu.SetRegs(write == null
                    ? LongModeState.Registers(window, ScratchMemory.BufferVirtual, (ulong)length)
                    : LongModeState.Registers(ScratchMemory.BufferVirtual, window, (ulong)length));
                return RunToExit(length, write == null);
            }
            finally
            {
                SetScratchSlot(slotId, scratchGpa, 0);
            }
        }

        private GuestAccessResult RunToExit(int length, bool isRead)
        {
            for (int attempt = 0; ; attempt++)
            {
                Errno errno = RunOnce();
                uint exit = vcpu!.ExitReason;
                if (errno == Errno.EINTR && exit == VmExitIntr && attempt < MaxSignalRetries) continue;

                if (errno == Errno.None && exit == (uint)ExitReason.Hlt)
                    return GuestAccessResult.Done(isRead ? scratch!.TakeBuffer(length) : Array.Empty<byte>());

                exitPending = true;
                if (errno == Errno.None && exit == (uint)ExitReason.Mmio)
                    return GuestAccessResult.Mmio(vcpu.MmioPhysAddr);
                if (errno != Errno.None && exit == (uint)ExitReason.MemoryFault)
                    return GuestAccessResult.MemoryFault(vcpu.MemoryFaultGpa, (MemoryFaultFlags)vcpu.MemoryFaultFlags, errno)
                        with { ExitGpa = vcpu.MemoryFaultGpa, FaultSize = vcpu.MemoryFaultSize };
                return new GuestAccessResult { Exit = (ExitReason)exit, RunErrno = errno };
            }
        }

        /// <summary>KVM_RUN with exit_reason cleared first, so a failing run never reports a stale exit.</summary>
        private Errno RunOnce()
        {
            vcpu!.ClearExitReason();
            return vcpu.Run();
        }

        /// <summary>
        /// An MMIO exit we did not complete leaves KVM waiting to finish that instruction on the next KVM_RUN.
        /// immediate_exit makes KVM do exactly that and return EINTR without entering the guest; the
        /// instruction's leftovers land in scratch registers and the buffer, which the next access overwrites.
        /// </summary>
        private void FinishPendingExit()
        {
            vcpu!.ImmediateExit = true;
            try
            {
                for (int i = 0; i < MaxPendingCompletions; i++)
                    if (RunOnce() == Errno.EINTR)
                    {
                        exitPending = false;
                        return;
                    }
            }
            finally
            {
                vcpu.ImmediateExit = false;
            }
            // KVM kept asking for more I/O: start over with a fresh vCPU rather than run on a confused one.
            ReplaceVcpu();
        }

        private void EnsureVcpu()
        {
            if (vcpu != null) return;
            scratch ??= ScratchMemory.Allocate();
            CreateVcpu();
        }

        private void CreateVcpu()
        {
            var created = KvmVcpu.Create(vm, vcpuId);
            try
            {
                KvmCpuidTable cpuid = vm.Host.SupportedCpuid();
                cpuid.ApplyTo(created.Handle);
                physicalAddressBits = cpuid.PhysicalAddressBits;
                resetSregs = created.GetSregs();
            }
            catch
            {
                created.Dispose();
                throw;
            }
            vcpu = created;
            exitPending = false;
        }

        /// <summary>A vCPU cannot be destroyed before its VM, so the replacement takes the next id.</summary>
        private void ReplaceVcpu()
        {
            vcpu?.Dispose();
            vcpu = null;
            vcpuId++;
            CreateVcpu();
        }

        /// <summary>Adds (size &gt; 0) or deletes (size 0) the scratch slot; it is never reported as a user event.</summary>
        private unsafe void SetScratchSlot(uint slotId, ulong gpa, ulong size)
        {
            var args = new KvmUserspaceMemoryRegion2
            {
                Slot = slotId, Flags = 0, GuestPhysAddr = gpa, MemorySize = size, UserspaceAddr = size == 0 ? 0 : scratch!.HostAddress,
            };
            if (Libc.ioctl(vm.Handle, KvmIoctls.KVM_SET_USER_MEMORY_REGION2, &args) != 0)
            {
                Errno errno = Errors.Last();
                var request = new UserMemoryRegion2(slotId, MemslotFlags.None, gpa, size, args.UserspaceAddr, 0, 0);
                throw new GmemException(KernelOperation.SetUserMemoryRegion2, KernelRules.Explain(KernelOperation.SetUserMemoryRegion2, errno),
                    request, size == 0 ? "deleting the guest-access scratch memslot" : "adding the guest-access scratch memslot");
            }
        }

        public void Dispose()
        {
            vcpu?.Dispose();
            vcpu = null;
            scratch?.Dispose();
            scratch = null;
        }
    }
}
