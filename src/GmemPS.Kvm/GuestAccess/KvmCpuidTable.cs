using System;
using System.Runtime.InteropServices;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// The CPUID the host supports (struct kvm_cpuid2: u32 nent; u32 padding; kvm_cpuid_entry2 entries[]).
    /// The guest-access vCPU gets it because without a CPUID table KVM assumes MAXPHYADDR = 36, and a page
    /// table entry above 64 GiB would then be a reserved-bit fault (measured: KVM_EXIT_SHUTDOWN).
    /// </summary>
    internal sealed unsafe class KvmCpuidTable
    {
        private const int HeaderSize = 8;
        private readonly byte[] table;

        private KvmCpuidTable(byte[] table) { this.table = table; }

        public static KvmCpuidTable QuerySupported(FileDescriptorHandle kvm)
        {
            for (int entries = 128; ; entries *= 2)
            {
                var table = new byte[HeaderSize + entries * sizeof(KvmCpuidEntry2)];
                fixed (byte* p = table)
                {
                    *(uint*)p = (uint)entries;
                    if (Libc.ioctl(kvm, KvmIoctls.KVM_GET_SUPPORTED_CPUID, p) == 0) return new KvmCpuidTable(table);
                }
                // E2BIG: the table has more entries than we offered room for.
                Errno errno = Errors.Last();
                if (errno != Errno.E2BIG || entries >= 4096) throw Errors.Refused(KernelOperation.GuestAccess, errno, "KVM_GET_SUPPORTED_CPUID");
            }
        }

        private int Count { get { fixed (byte* p = table) return (int)*(uint*)p; } }

        /// <summary>CPUID.80000008H:EAX[7:0], the guest's physical address width (36 when the leaf is absent).</summary>
        public int PhysicalAddressBits
        {
            get
            {
                fixed (byte* p = table)
                {
                    var entries = (KvmCpuidEntry2*)(p + HeaderSize);
                    for (int i = 0; i < Count; i++)
                        if (entries[i].Function == 0x8000_0008) return (int)(entries[i].Eax & 0xFF);
                }
                return 36;
            }
        }

        /// <summary>KVM_SET_CPUID2 on a vCPU.</summary>
        public void ApplyTo(FileDescriptorHandle vcpu)
        {
            fixed (byte* p = table)
                if (Libc.ioctl(vcpu, KvmIoctls.KVM_SET_CPUID2, p) != 0)
                    throw Errors.LastRefused(KernelOperation.GuestAccess, "KVM_SET_CPUID2");
        }
    }
}
