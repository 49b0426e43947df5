using System;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>A VM file descriptor.</summary>
    public interface IGmemVm : IDisposable
    {
        int Fd { get; }
        ulong Type { get; }
        bool IsClosed { get; }

        /// <summary>KVM_CHECK_EXTENSION on the VM fd (answers can differ from /dev/kvm by VM type).</summary>
        long CheckExtension(Capability capability);

        /// <summary>KVM_CREATE_GUEST_MEMFD.</summary>
        IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request);

        /// <summary>KVM_SET_USER_MEMORY_REGION2 (create, or delete when memory_size is 0).</summary>
        void SetUserMemoryRegion2(UserMemoryRegion2 request);

        /// <summary>KVM_SET_MEMORY_ATTRIBUTES.</summary>
        void SetMemoryAttributes(MemoryAttributesRequest request);

        /// <summary>A vCPU reads guest physical memory: one access, within one page.</summary>
        GuestAccessResult GuestRead(ulong gpa, int length);

        /// <summary>A vCPU writes guest physical memory: one access, within one page.</summary>
        GuestAccessResult GuestWrite(ulong gpa, byte[] data);

        /// <summary>close() the VM fd. The VM lives on while a guest_memfd of it is open.</summary>
        void Close();
    }
}
