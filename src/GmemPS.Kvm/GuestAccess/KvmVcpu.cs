using System;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// A vCPU fd and its struct kvm_run page: one method per vCPU ioctl. The fd pins the VM, so its owner
    /// closes it together with the VM fd.
    /// </summary>
    internal sealed unsafe class KvmVcpu : IDisposable
    {
        private readonly FileDescriptorHandle vcpu;
        private readonly MappingHandle run;

        private KvmVcpu(FileDescriptorHandle vcpu, MappingHandle run)
        {
            this.vcpu = vcpu;
            this.run = run;
        }

        /// <summary>KVM_CREATE_VCPU, then mmap of KVM_GET_VCPU_MMAP_SIZE bytes of it (struct kvm_run).</summary>
        public static KvmVcpu Create(KvmVm vm, uint vcpuId)
        {
            int mmapSize = vm.Host.VcpuMmapSize();
            int fd = Libc.ioctl(vm.Handle, KvmIoctls.KVM_CREATE_VCPU, (nuint)vcpuId);
            if (fd < 0) throw Errors.LastRefused(KernelOperation.GuestAccess, $"KVM_CREATE_VCPU {vcpuId}");
            var handle = new FileDescriptorHandle(fd);
            IntPtr address = Libc.mmap(IntPtr.Zero, (nuint)mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, handle, 0);
            if (address == Libc.MAP_FAILED)
            {
                Errno errno = Errors.Last();
                handle.Dispose();
                throw Errors.Refused(KernelOperation.GuestAccess, errno, "mmap of struct kvm_run");
            }
            return new KvmVcpu(handle, new MappingHandle(address, mmapSize));
        }

        internal FileDescriptorHandle Handle => vcpu;

        private byte* RunPage => (byte*)run.DangerousGetHandle();

        public KvmSregs GetSregs()
        {
            KvmSregs sregs;
            if (Libc.ioctl(vcpu, KvmIoctls.KVM_GET_SREGS, &sregs) != 0) throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_GET_SREGS");
            return sregs;
        }

        public void SetSregs(in KvmSregs sregs)
        {
            fixed (KvmSregs* p = &sregs)
                if (Libc.ioctl(vcpu, KvmIoctls.KVM_SET_SREGS, p) != 0) throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_SET_SREGS");
        }

        public void SetRegs(in KvmRegs regs)
        {
            fixed (KvmRegs* p = &regs)
                if (Libc.ioctl(vcpu, KvmIoctls.KVM_SET_REGS, p) != 0) throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_SET_REGS");
        }

        public KvmRegs GetRegs()
        {
            KvmRegs regs;
            if (Libc.ioctl(vcpu, KvmIoctls.KVM_GET_REGS, &regs) != 0) throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_GET_REGS");
            return regs;
        }

        /// <summary>KVM_RUN: Errno.None when it returned 0, else its errno. The exit is in <see cref="ExitReason"/>.</summary>
        public Errno Run()
        {
            return Libc.ioctl(vcpu, KvmIoctls.KVM_RUN, (nuint)0) == 0 ? Errno.None : Errors.Last();
        }

        /// <summary>kvm_run.immediate_exit: KVM_RUN finishes pending MMIO/PIO emulation and returns EINTR unentered.</summary>
        public bool ImmediateExit
        {
            get => RunPage[KvmRunLayout.ImmediateExit] != 0;
            set => RunPage[KvmRunLayout.ImmediateExit] = value ? (byte)1 : (byte)0;
        }

        /// <summary>Sets exit_reason to KVM_EXIT_UNKNOWN (0) before a run.</summary>
        public void ClearExitReason() => *(uint*)(RunPage + KvmRunLayout.ExitReason) = 0;

        public uint ExitReason => *(uint*)(RunPage + KvmRunLayout.ExitReason);
        public ulong MmioPhysAddr => *(ulong*)(RunPage + KvmRunLayout.MmioPhysAddr);
        public ulong MemoryFaultFlags => *(ulong*)(RunPage + KvmRunLayout.MemoryFaultFlags);
        public ulong MemoryFaultGpa => *(ulong*)(RunPage + KvmRunLayout.MemoryFaultGpa);
        public ulong MemoryFaultSize => *(ulong*)(RunPage + KvmRunLayout.MemoryFaultSize);

        public void Dispose()
        {
            run.Dispose();
            vcpu.Dispose();
        }
    }
}
