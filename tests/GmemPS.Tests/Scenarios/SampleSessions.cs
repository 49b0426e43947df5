using System;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Tests.Scenarios
{
    /// <summary>Sessions that touch every scenario step kind, successes and refusals alike, on a chosen backend.</summary>
    internal static class SampleSessions
    {
        public const ulong TwoMiB = 2UL << 20;
        public const ulong FourGiB = 1UL << 32;

        /// <summary>Runs an operation that may be refused; the lab records the refusal either way.</summary>
        public static void Try(Action operation)
        {
            try { operation(); }
            catch (GmemException) { }
            catch (GmemLabException) { }
            catch (ArgumentException) { }
        }

        /// <summary>
        /// A VM with a 2 MiB shared file bound at gpa 0 (through the session's own mapping), host and guest data both
        /// ways, a punch, an MMIO exit, refusals of every origin (kernel, contract, closed descriptor, /dev/kvm as a
        /// guest_memfd), the refused file operations, and closes.
        /// </summary>
        public static void EveryStepKind(GmemLab lab, BackendKind backend, string? profile = null)
        {
            var vm = lab.CreateVm(backend, 0, profile);
            var file = lab.CreateFile(vm, TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            Try(() => lab.CreateFile(vm, 4097));
            var slot = lab.Bind(file, gpa: 0);
            lab.HostWrite(file, 0x2000, new byte[] { 1, 2, 3, 4 });
            lab.GuestRead(vm, 0x2000, 4);
            lab.GuestWrite(vm, 0x3000, new byte[] { 0x42 });
            lab.HostRead(file, 0x3000, 1);
            lab.GuestRead(vm, FourGiB + 0x10, 1);
            Try(() => lab.GuestRead(vm, 0xffe, 4));
            uint kvmFd = (uint)lab.Host(backend, profile).Fd;
            Try(() => lab.SetMemslot(vm, new UserMemoryRegion2(1, MemslotFlags.GuestMemfd, FourGiB, TwoMiB, 0, 0, kvmFd)));
            Try(() => lab.SetMemslot(vm, new UserMemoryRegion2(2, MemslotFlags.GuestMemfd, FourGiB, TwoMiB, 0, 0, (uint)vm.Fd)));
            lab.Allocate(file, 0, 0x4000);
            lab.PunchHole(file, 0x2000, 0x1000);
            lab.HostRead(file, 0x2000, 4);
            Try(() => lab.Fallocate(file, FallocateRequest.Allocate(0, (long)TwoMiB + 4096)));
            var small = lab.CreateFile(vm, 4096);
            lab.CloseFile(small);
            Try(() => lab.SetMemslot(vm, new UserMemoryRegion2(3, MemslotFlags.GuestMemfd, FourGiB, 4096, 0, 0, 0), small));
            Try(() => lab.FileRead(file, 8));
            Try(() => lab.FileWrite(file, new byte[] { 1 }));
            Try(() => lab.FilePread(file, 8, 0));
            Try(() => lab.FileTruncate(file, 4096));
            Try(() => lab.Map(file, new MapRequest(0, 4096, Shared: false)));
            var map = lab.Map(file, new MapRequest(0x1000, 0x2000));
            lab.HostRead(map, 0, 4);
            lab.Unmap(map);
            Try(() => lab.HostRead(map, 0, 4));
            var anonymous = lab.BindAnonymous(vm, FourGiB, 0x10000);
            lab.GuestWrite(vm, FourGiB + 0x20, new byte[] { 7, 7 });
            lab.GuestRead(vm, FourGiB + 0x20, 2);
            Try(() => lab.SetAttributes(vm, new MemoryAttributesRequest(0, 0x1000, MemoryAttributes.Private)));
            lab.CheckCapability(vm, Capability.GuestMemfdFlags);
            lab.CheckCapability(backend, profile, Capability.GuestMemfd);
            lab.RemoveMemslot(anonymous);
            lab.RemoveMemslot(slot);
            Try(() => lab.RemoveMemslot(slot));
            lab.CloseFile(file);
            lab.CloseVm(vm);
            Try(() => lab.CreateFile(vm, 4096));
        }
    }
}
