using System;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.HostAccess;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// /dev/kvm on this machine. Every method is one syscall or ioctl; a failure is the kernel's errno,
    /// explained from the rule catalogue, with the request exactly as it was passed.
    /// </summary>
    public sealed unsafe class KvmHost : IGmemHost
    {
        private readonly FileDescriptorHandle kvm;
        private readonly IFaultSafeMemory hostMemory;
        private int nextVmId;
        private KvmCpuidTable? supportedCpuid;

        private KvmHost(FileDescriptorHandle kvm, KvmOptions options, IFaultSafeMemory hostMemory)
        {
            this.kvm = kvm;
            Options = options;
            this.hostMemory = hostMemory;
        }

        /// <summary>Opens /dev/kvm and checks the capabilities GmemPS cannot work without.</summary>
        public static KvmHost Open() => Open(KvmOptions.Default);

        /// <summary>Opens another device path: tests use it to see a missing or forbidden device.</summary>
        internal static KvmHost Open(string devicePath) => Open(KvmOptions.Default with { DevicePath = devicePath });

        public static KvmHost Open(KvmOptions options)
        {
            var kvm = OpenDevice(options.DevicePath);
            IFaultSafeMemory? hostMemory = null;
            try
            {
                hostMemory = options.HostAccess == HostAccessPath.ProcSelfMem ? ProcSelfMemAccess.Open() : new ProcessVmAccess();
                var host = new KvmHost(kvm, options, hostMemory);
                host.Require(Capability.UserMemory2, "KVM_SET_USER_MEMORY_REGION2");
                host.Require(Capability.GuestMemfd, "KVM_CREATE_GUEST_MEMFD (guest_memfd, Linux 6.8 or later)");
                return host;
            }
            catch
            {
                (hostMemory as IDisposable)?.Dispose();
                kvm.Dispose();
                throw;
            }
        }

        private static FileDescriptorHandle OpenDevice(string path)
        {
            int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
            if (fd >= 0) return new FileDescriptorHandle(fd);
            Errno errno = Errors.Last();
            switch (errno)
            {
                case Errno.ENOENT:
                    throw new GmemEnvironmentException(KernelRules.KvmDeviceMissing.Id,
                        $"{path} does not exist (ENOENT): the kvm module is not loaded, or this container does not expose the device. Use the Simulator backend instead.",
                        errno);
                case Errno.EACCES:
                case Errno.EPERM:
                    throw new GmemEnvironmentException(KernelRules.KvmPermissionDenied.Id,
                        $"{path} cannot be opened read-write ({errno}): join the group that owns it (usually kvm) or run as root.",
                        errno);
                default:
                    throw new GmemEnvironmentException("KvmOpenFailed", $"open({path}, O_RDWR) failed with {errno} ({(int)errno}).", errno);
            }
        }

        /// <summary>A device that refuses KVM_CHECK_EXTENSION itself (ENOTTY: not KVM) lacks the capability too.</summary>
        private void Require(Capability capability, string need)
        {
            long value;
            try { value = CheckExtension(capability); }
            catch (GmemException e)
            {
                throw GmemEnvironmentException.CapabilityMissing(capability, -(int)e.Errno,
                    $"{need}; {Options.DevicePath} answered KVM_CHECK_EXTENSION with {e.Errno}, so it is not a KVM device");
            }
            if (value <= 0) throw GmemEnvironmentException.CapabilityMissing(capability, value, need);
        }

        public KvmOptions Options { get; }
        public string BackendName => "Kvm";
        public int Fd => kvm.Number;
        public EventLog Events { get; } = new EventLog();

        internal IFaultSafeMemory HostMemory => hostMemory;

        public long CheckExtension(Capability capability)
        {
            ThrowIfClosed(KernelOperation.CheckExtension);
            int value = Libc.ioctl(kvm, KvmIoctls.KVM_CHECK_EXTENSION, (nuint)(int)capability);
            if (value < 0) throw Errors.LastRefused(KernelOperation.CheckExtension, capability);
            return value;
        }

        public IGmemVm CreateVm(ulong type) => CreateKvmVm(type);

        /// <summary>How often an interrupted KVM_CREATE_VM is asked again before its EINTR is reported.</summary>
        private const int MaxInterruptedRetries = 16;

        /// <summary>KVM_CREATE_VM: the type goes to the kernel as given (unsupported types: its EINVAL).</summary>
        public KvmVm CreateKvmVm(ulong type)
        {
            ThrowIfClosed(KernelOperation.CreateVm);
            // EINTR: a signal arrived before the VM existed (seen right after a Start-Job child exited, SIGCHLD to the
            // shell); nothing was created, so the request is asked again as any VMM does. Every other answer stands.
            int fd;
            int interrupted = 0;
            do fd = Libc.ioctl(kvm, KvmIoctls.KVM_CREATE_VM, (nuint)type);
            while (fd < 0 && Errors.Last() == Errno.EINTR && ++interrupted < MaxInterruptedRetries);
            if (fd < 0) throw Errors.LastRefused(KernelOperation.CreateVm, $"type {type}");
            int id = nextVmId++;
            var vm = new KvmVm(this, new FileDescriptorHandle(fd), type, id);
            Events.Append(new VmCreated(id, type));
            return vm;
        }

        /// <summary>mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0).</summary>
        public IHostMapping MapAnonymous(long length)
        {
            IntPtr address = Libc.mmapAnonymous(IntPtr.Zero, (nuint)length, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_SHARED | Libc.MAP_ANONYMOUS, -1, 0);
            if (address == Libc.MAP_FAILED) throw Errors.LastRefused(KernelOperation.Mmap, $"MAP_SHARED|MAP_ANONYMOUS, length {Hex.Signed(length)}");
            return new KvmMapping(new MappingHandle(address, length), hostMemory, "anonymous mapping");
        }

        /// <summary>KVM_GET_VCPU_MMAP_SIZE: how much of the vCPU fd to map as struct kvm_run.</summary>
        internal int VcpuMmapSize()
        {
            ThrowIfClosed(KernelOperation.GuestAccess);
            int size = Libc.ioctl(kvm, KvmIoctls.KVM_GET_VCPU_MMAP_SIZE, (nuint)0);
            if (size < 0) throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_GET_VCPU_MMAP_SIZE");
            return size;
        }

        /// <summary>KVM_GET_SUPPORTED_CPUID, asked once: the guest-access vCPU needs the host's MAXPHYADDR.</summary>
        internal KvmCpuidTable SupportedCpuid()
        {
            ThrowIfClosed(KernelOperation.GuestAccess);
            return supportedCpuid ??= KvmCpuidTable.QuerySupported(kvm);
        }

        private void ThrowIfClosed(KernelOperation operation)
        {
            if (kvm.IsClosed) throw GmemException.Closed(operation, $"/dev/kvm {kvm.Number}");
        }

        /// <summary>Closes /dev/kvm. VMs, files and mappings already created keep working: they hold their own references.</summary>
        public void Dispose()
        {
            kvm.Dispose();
            (hostMemory as IDisposable)?.Dispose();
        }
    }
}
