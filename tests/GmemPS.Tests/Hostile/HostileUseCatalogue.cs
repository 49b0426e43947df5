using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Hostile
{
    /// <summary>
    /// Bad input and hostile use, as a catalogue: every contract argument at its boundaries, objects already closed,
    /// objects of another VM or another session, objects of a VM already destroyed. Each row must fail with a typed
    /// error whose id is stable (the simulator names the rule; the kernel's errno names the same rule or the rules
    /// that share the errno), be recorded as a refusal, and change nothing in the session. The same rows run on the
    /// simulator and on /dev/kvm.
    /// </summary>
    public abstract class HostileUseCatalogue
    {
        private const ulong TwoMiB = 2UL << 20;
        private const ulong FourGiB = 1UL << 32;
        private const long Page = KvmLimits.PageSize;

        protected abstract BackendKind Backend { get; }

        /// <summary>What a row must end with: a kernel errno and the rule the simulator names, or a lab/contract refusal id.</summary>
        public sealed record Expect(Errno Errno, KernelOperation Operation, string Id)
        {
            public static Expect Kernel(Errno errno, KernelOperation operation, KernelRule rule) => new Expect(errno, operation, rule.Id);
            public static Expect Lab(string id) => new Expect(Errno.None, KernelOperation.OpenKvm, id);
        }

        /// <summary>A session with one of everything a hostile caller could aim at.</summary>
        public sealed class Fixture : IDisposable
        {
            public Fixture(BackendKind backend)
            {
                Lab = StandardBackendFactory.NewLab();
                Foreign = StandardBackendFactory.NewLab();
                Backend = backend;
                Vm = Lab.CreateVm(backend);                                                            // vm0
                Shared = Lab.CreateFile(Vm, TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared); // gmem0
                Slot = Lab.Bind(Shared, 0);                                                            // map0, vm0/slot0
                View = Lab.FindMapping("map0");
                PrivateFile = Lab.CreateFile(Vm, TwoMiB, GuestMemfdFlags.Mmap);                        // gmem1
                PrivateMap = Lab.Map(PrivateFile, new MapRequest(0, (long)TwoMiB));                    // map1
                Plain = Lab.CreateFile(Vm, TwoMiB);                                                    // gmem2
                ClosedFile = Lab.CreateFile(Vm, 4096);                                                 // gmem3
                Lab.CloseFile(ClosedFile);
                Unmapped = Lab.Map(Shared, new MapRequest(0, Page));                                   // map2
                Lab.Unmap(Unmapped);
                var tiny = Lab.CreateFile(Vm, 4096, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared); // gmem4
                PastEof = Lab.Map(tiny, new MapRequest(0, 2 * Page));                                  // map3
                OtherVm = Lab.CreateVm(backend);                                                       // vm1
                OtherFile = Lab.CreateFile(OtherVm, TwoMiB);                                           // gmem5
                ClosedVm = Lab.CreateVm(backend);                                                      // vm2: nothing pins it, so closing destroys it
                Lab.CloseVm(ClosedVm);
                DeadVm = Lab.CreateVm(backend);                                                        // vm3: destroyed once its file goes too
                DeadFile = Lab.CreateFile(DeadVm, 4096);                                               // gmem6
                DeadSlot = Lab.Bind(DeadFile, FourGiB);                                                // vm3/slot0
                Lab.CloseFile(DeadFile);
                Lab.CloseVm(DeadVm);
                ForeignVm = Foreign.CreateVm(backend);
                ForeignFile = Foreign.CreateFile(ForeignVm, 4096);
            }

            public GmemLab Lab { get; }
            public GmemLab Foreign { get; }
            public BackendKind Backend { get; }
            public LabVm Vm { get; }
            public LabFile Shared { get; }
            public LabMemslot Slot { get; }
            public LabMapping View { get; }
            public LabFile PrivateFile { get; }
            public LabMapping PrivateMap { get; }
            public LabFile Plain { get; }
            public LabFile ClosedFile { get; }
            public LabMapping Unmapped { get; }
            public LabMapping PastEof { get; }
            public LabVm OtherVm { get; }
            public LabFile OtherFile { get; }
            public LabVm ClosedVm { get; }
            public LabVm DeadVm { get; }
            public LabFile DeadFile { get; }
            public LabMemslot DeadSlot { get; }
            public LabVm ForeignVm { get; }
            public LabFile ForeignFile { get; }

            public uint KvmFd => (uint)Lab.Host(Backend).Fd;

            /// <summary>Everything a refusal must leave as it was: objects and states, open slots, the file's bytes, the kernel's events.</summary>
            public string Fingerprint()
            {
                var bytes = Lab.HostRead(View, 0x1000, 16);
                // The last bytes before the end of a file: a write refused past EOF must not have landed here either.
                var tail = Lab.HostRead(PastEof, Page - 8, 8);
                int events = Lab.Events(Vm).Since(0).Count();
                return $"{Lab.ObjectStates()} | slots {string.Join(",", Lab.Memslots.Select(s => s.Id))} | data {Convert.ToHexString(bytes)} "
                    + $"| tail {Convert.ToHexString(tail)} | events {events}";
            }

            public void Dispose()
            {
                Foreign.Dispose();
                Lab.Dispose();
            }
        }

        private static UserMemoryRegion2 Gmem(uint slot, ulong gpa, ulong size, ulong offset = 0, MemslotFlags flags = MemslotFlags.GuestMemfd, ulong hva = 0) =>
            new UserMemoryRegion2(slot, flags, gpa, size, hva, offset, 0);

        private static readonly Dictionary<string, (Action<Fixture> Act, Expect Expected)> Rows = new Dictionary<string, (Action<Fixture>, Expect)>
        {
            // KVM_CREATE_VM
            ["CreateVm type 1 (not in KVM_CAP_VM_TYPES here)"] = (f => f.Lab.CreateVm(f.Backend, 1), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateVm, KernelRules.VmTypeUnsupported)),
            ["CreateVm type 2^63"] = (f => f.Lab.CreateVm(f.Backend, 1UL << 63), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateVm, KernelRules.VmTypeUnsupported)),
            // KVM_CREATE_GUEST_MEMFD
            ["CreateFile size 0"] = (f => f.Lab.CreateFile(f.Vm, 0), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateGuestMemfd, KernelRules.GmemSizeInvalid)),
            ["CreateFile size one byte past a page"] = (f => f.Lab.CreateFile(f.Vm, 4097), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateGuestMemfd, KernelRules.GmemSizeInvalid)),
            ["CreateFile size 2^63"] = (f => f.Lab.CreateFile(f.Vm, 1UL << 63), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateGuestMemfd, KernelRules.GmemSizeInvalid)),
            ["CreateFile flag bit 2"] = (f => f.Lab.CreateFile(f.Vm, 4096, (GuestMemfdFlags)4), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateGuestMemfd, KernelRules.GmemFlagsUnsupported)),
            ["CreateFile flag bit 63"] = (f => f.Lab.CreateFile(f.Vm, 4096, (GuestMemfdFlags)(1UL << 63)), Expect.Kernel(Errno.EINVAL, KernelOperation.CreateGuestMemfd, KernelRules.GmemFlagsUnsupported)),
            ["CreateFile on a closed VM"] = (f => f.Lab.CreateFile(f.ClosedVm, 4096), Expect.Kernel(Errno.EBADF, KernelOperation.CreateGuestMemfd, KernelRules.DescriptorClosed)),
            ["CreateFile on a destroyed VM"] = (f => f.Lab.CreateFile(f.DeadVm, 4096), Expect.Kernel(Errno.EBADF, KernelOperation.CreateGuestMemfd, KernelRules.DescriptorClosed)),
            ["CreateFile on a VM of another session"] = (f => f.Lab.CreateFile(f.ForeignVm, 4096), Expect.Lab("GmemForeignObject")),
            // KVM_SET_USER_MEMORY_REGION2
            ["Memslot id 32764"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(32764, FourGiB, TwoMiB), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.SlotIdOutOfRange)),
            ["Memslot in address space 1 (no SMM here)"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(0x10001, FourGiB, TwoMiB), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.SlotIdOutOfRange)),
            ["Memslot GUEST_MEMFD with READONLY"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, TwoMiB, flags: MemslotFlags.GuestMemfd | MemslotFlags.ReadOnly), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotFlagsInvalid)),
            ["Memslot unknown flag bit 3"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, TwoMiB, flags: (MemslotFlags)8), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotFlagsInvalid)),
            ["Memslot size one byte past a page"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page + 1UL), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotSizeUnaligned)),
            ["Memslot gpa misaligned by one"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB + 1, TwoMiB), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotGpaUnaligned)),
            ["Memslot userspace_addr misaligned by one"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, TwoMiB, hva: 1), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotUserspaceAddrInvalid)),
            ["Memslot userspace_addr in kernel space"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, TwoMiB, hva: 0xffff800000000000), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotUserspaceAddrInvalid)),
            ["Memslot file offset misaligned by one"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page, offset: 1), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotGmemOffsetInvalid)),
            ["Memslot range one page past the end of the file"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, 2 * Page, offset: TwoMiB - Page), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemRangeOutsideFile)),
            ["Memslot offset 2^63"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page, offset: 1UL << 63), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemRangeOutsideFile)),
            ["Memslot gpa + size wraps"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, ulong.MaxValue - Page + 1, TwoMiB), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotGpaOverflow)),
            ["Memslot ending past the largest gfn"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, 1UL << 52, Page), f.Plain), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotBeyondMaxGfn)),
            ["Memslot overlapping slot 0 by one page"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, TwoMiB - Page, TwoMiB), f.Plain), Expect.Kernel(Errno.EEXIST, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotGpaOverlap)),
            ["Memslot over file pages another slot binds"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page), f.Shared), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemRangeAlreadyBound)),
            ["Memslot with a file of another VM"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, TwoMiB), f.OtherFile), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemFdOtherVm)),
            ["Memslot with a closed file"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page), f.ClosedFile), Expect.Kernel(Errno.EBADF, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemFdNotOpen)),
            ["Memslot with /dev/kvm as the guest_memfd"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page) with { GuestMemfd = f.KvmFd }), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemFdNotGuestMemfd)),
            ["Memslot with a VM fd as the guest_memfd"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page) with { GuestMemfd = (uint)f.Vm.Fd }), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemFdNotGuestMemfd)),
            ["Memslot with guest_memfd -1"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page) with { GuestMemfd = uint.MaxValue }), Expect.Kernel(Errno.EBADF, KernelOperation.SetUserMemoryRegion2, KernelRules.GmemFdNotOpen)),
            ["Memslot moving a guest_memfd slot"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(0, FourGiB, TwoMiB), f.Shared), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotGmemImmutable)),
            ["Memslot delete of a slot that is not there"] = (f => f.Lab.SetMemslot(f.Vm, UserMemoryRegion2.Delete(7)), Expect.Kernel(Errno.EINVAL, KernelOperation.SetUserMemoryRegion2, KernelRules.MemslotDeleteMissing)),
            ["Memslot on a closed VM"] = (f => f.Lab.SetMemslot(f.ClosedVm, Gmem(0, 0, Page), f.Plain), Expect.Kernel(Errno.EBADF, KernelOperation.SetUserMemoryRegion2, KernelRules.DescriptorClosed)),
            ["Memslot delete on a destroyed VM"] = (f => f.Lab.RemoveMemslot(f.DeadSlot), Expect.Kernel(Errno.EBADF, KernelOperation.SetUserMemoryRegion2, KernelRules.DescriptorClosed)),
            ["Memslot with a file of another session"] = (f => f.Lab.SetMemslot(f.Vm, Gmem(1, FourGiB, Page), f.ForeignFile), Expect.Lab("GmemForeignObject")),
            ["Memslot of another session's VM"] = (f => f.Lab.Bind(f.Plain, FourGiB, vm: f.ForeignVm), Expect.Lab("GmemForeignObject")),
            // fallocate
            ["Fallocate mode 0 (no KEEP_SIZE)"] = (f => f.Lab.Fallocate(f.Plain, new FallocateRequest(FallocateMode.Allocate, 0, Page)), Expect.Kernel(Errno.EOPNOTSUPP, KernelOperation.Fallocate, KernelRules.FallocateModeUnsupported)),
            ["Fallocate PUNCH_HOLE without KEEP_SIZE"] = (f => f.Lab.Fallocate(f.Plain, new FallocateRequest(FallocateMode.PunchHole, 0, Page)), Expect.Kernel(Errno.EOPNOTSUPP, KernelOperation.Fallocate, KernelRules.FallocateModeUnsupported)),
            ["Fallocate ZERO_RANGE"] = (f => f.Lab.Fallocate(f.Plain, new FallocateRequest(FallocateMode.ZeroRange | FallocateMode.KeepSize, 0, Page)), Expect.Kernel(Errno.EOPNOTSUPP, KernelOperation.Fallocate, KernelRules.FallocateModeUnsupported)),
            ["Fallocate offset misaligned by one"] = (f => f.Lab.Allocate(f.Plain, 1, Page), Expect.Kernel(Errno.EINVAL, KernelOperation.Fallocate, KernelRules.FallocateUnaligned)),
            ["Fallocate length 0"] = (f => f.Lab.Allocate(f.Plain, 0, 0), Expect.Kernel(Errno.EINVAL, KernelOperation.Fallocate, KernelRules.FallocateRangeNegative)),
            ["Fallocate offset -1 page"] = (f => f.Lab.PunchHole(f.Plain, -Page, Page), Expect.Kernel(Errno.EINVAL, KernelOperation.Fallocate, KernelRules.FallocateRangeNegative)),
            ["Fallocate allocate across the end of the file"] = (f => f.Lab.Allocate(f.Plain, (long)TwoMiB - Page, 2 * Page), Expect.Kernel(Errno.EINVAL, KernelOperation.Fallocate, KernelRules.FallocateBeyondEof)),
            ["Fallocate offset + length past 2^63"] = (f => f.Lab.Allocate(f.Plain, long.MaxValue - Page + 1, Page), Expect.Kernel(Errno.EFBIG, KernelOperation.Fallocate, KernelRules.FallocateTooBig)),
            ["Fallocate on a closed file"] = (f => f.Lab.Allocate(f.ClosedFile, 0, Page), Expect.Kernel(Errno.EBADF, KernelOperation.Fallocate, KernelRules.DescriptorClosed)),
            ["Fallocate on a file of another session"] = (f => f.Lab.Allocate(f.ForeignFile, 0, Page), Expect.Lab("GmemForeignObject")),
            // mmap
            ["Map MAP_PRIVATE"] = (f => f.Lab.Map(f.Shared, new MapRequest(0, Page, Shared: false)), Expect.Kernel(Errno.EINVAL, KernelOperation.Mmap, KernelRules.MmapInvalid)),
            ["Map a file created without MMAP"] = (f => f.Lab.Map(f.Plain, new MapRequest(0, Page)), Expect.Kernel(Errno.ENODEV, KernelOperation.Mmap, KernelRules.MmapNotSupported)),
            ["Map length 0"] = (f => f.Lab.Map(f.Shared, new MapRequest(0, 0)), Expect.Kernel(Errno.EINVAL, KernelOperation.Mmap, KernelRules.MmapInvalid)),
            ["Map length -1"] = (f => f.Lab.Map(f.Shared, new MapRequest(0, -1)), Expect.Kernel(Errno.ENOMEM, KernelOperation.Mmap, KernelRules.MmapNoAddressSpace)),
            ["Map offset misaligned by one"] = (f => f.Lab.Map(f.Shared, new MapRequest(1, Page)), Expect.Kernel(Errno.EINVAL, KernelOperation.Mmap, KernelRules.MmapInvalid)),
            ["Map offset -1 page"] = (f => f.Lab.Map(f.Shared, new MapRequest(-Page, Page)), Expect.Kernel(Errno.EOVERFLOW, KernelOperation.Mmap, KernelRules.MmapOffsetOverflow)),
            ["Map a closed file"] = (f => f.Lab.Map(f.ClosedFile, new MapRequest(0, Page)), Expect.Kernel(Errno.EBADF, KernelOperation.Mmap, KernelRules.DescriptorClosed)),
            ["Map anonymous length 0"] = (f => f.Lab.MapAnonymous(f.Backend, 0), Expect.Kernel(Errno.EINVAL, KernelOperation.Mmap, KernelRules.MmapInvalid)),
            // host access: never a SIGBUS, always an answer
            ["Host read of a page not shared with the host"] = (f => f.Lab.HostRead(f.PrivateMap, 0, 8), Expect.Kernel(Errno.EIO, KernelOperation.HostAccess, KernelRules.HostAccessNotShared)),
            ["Host write of a page not shared with the host"] = (f => f.Lab.HostWrite(f.PrivateMap, Page, new byte[] { 1 }), Expect.Kernel(Errno.EIO, KernelOperation.HostAccess, KernelRules.HostAccessNotShared)),
            ["Host read past the end of the file"] = (f => f.Lab.HostRead(f.PastEof, Page, 8), Expect.Kernel(Errno.EIO, KernelOperation.HostAccess, KernelRules.HostAccessNotShared)),
            ["Host write across the end of the file"] = (f => f.Lab.HostWrite(f.PastEof, Page - 4, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }), Expect.Kernel(Errno.EIO, KernelOperation.HostAccess, KernelRules.HostAccessNotShared)),
            ["Host read after munmap"] = (f => f.Lab.HostRead(f.Unmapped, 0, 8), Expect.Kernel(Errno.EFAULT, KernelOperation.HostAccess, KernelRules.HostAccessUnmapped)),
            ["Host read at offset -1"] = (f => f.Lab.HostRead(f.View, -1, 8), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Host read one byte past the mapping"] = (f => f.Lab.HostRead(f.View, (long)TwoMiB - 4, 5), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Munmap twice"] = (f => f.Lab.Unmap(f.Unmapped), Expect.Kernel(Errno.EFAULT, KernelOperation.HostAccess, KernelRules.HostAccessUnmapped)),
            // guest access
            ["Guest read of 0 bytes"] = (f => f.Lab.GuestRead(f.Vm, 0x1000, 0), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Guest read of 4097 bytes"] = (f => f.Lab.GuestRead(f.Vm, 0, 4097), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Guest read across a page boundary"] = (f => f.Lab.GuestRead(f.Vm, 0xfff, 2), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Guest write at 2^63"] = (f => f.Lab.GuestWrite(f.Vm, 1UL << 63, new byte[] { 1 }), Expect.Lab(GmemLab.ArgumentRefused)),
            ["Guest read on a closed VM"] = (f => f.Lab.GuestRead(f.ClosedVm, 0, 1), Expect.Kernel(Errno.EBADF, KernelOperation.GuestAccess, KernelRules.DescriptorClosed)),
            ["Guest read on a destroyed VM"] = (f => f.Lab.GuestRead(f.DeadVm, FourGiB, 1), Expect.Kernel(Errno.EBADF, KernelOperation.GuestAccess, KernelRules.DescriptorClosed)),
            ["Guest read on a VM of another session"] = (f => f.Lab.GuestRead(f.ForeignVm, 0, 1), Expect.Lab("GmemForeignObject")),
            // the refused file operations
            ["read(2) on a guest_memfd"] = (f => f.Lab.FileRead(f.Shared, 8), Expect.Kernel(Errno.EINVAL, KernelOperation.FileRead, KernelRules.FileReadNotSupported)),
            ["write(2) on a guest_memfd"] = (f => f.Lab.FileWrite(f.Shared, new byte[] { 1 }), Expect.Kernel(Errno.EINVAL, KernelOperation.FileWrite, KernelRules.FileWriteNotSupported)),
            ["pread(2) on a guest_memfd"] = (f => f.Lab.FilePread(f.Shared, 8, 0), Expect.Kernel(Errno.ESPIPE, KernelOperation.FilePread, KernelRules.FilePreadNotSupported)),
            ["pread(2) at offset -1"] = (f => f.Lab.FilePread(f.Shared, 8, -1), Expect.Kernel(Errno.EINVAL, KernelOperation.FilePread, KernelRules.FilePreadOffsetNegative)),
            ["ftruncate(2) on a guest_memfd"] = (f => f.Lab.FileTruncate(f.Shared, 0), Expect.Kernel(Errno.EINVAL, KernelOperation.FileTruncate, KernelRules.FileTruncateNotSupported)),
            // closes and the rest
            ["Close a closed file"] = (f => f.Lab.CloseFile(f.ClosedFile), Expect.Kernel(Errno.EBADF, KernelOperation.Close, KernelRules.DescriptorClosed)),
            ["Close a closed VM"] = (f => f.Lab.CloseVm(f.ClosedVm), Expect.Kernel(Errno.EBADF, KernelOperation.Close, KernelRules.DescriptorClosed)),
            ["Close a file of another session"] = (f => f.Lab.CloseFile(f.ForeignFile), Expect.Lab("GmemForeignObject")),
            ["KVM_SET_MEMORY_ATTRIBUTES (none on this host)"] = (f => f.Lab.SetAttributes(f.Vm, new MemoryAttributesRequest(0, (ulong)Page, MemoryAttributes.Private)), Expect.Kernel(Errno.ENOTTY, KernelOperation.SetMemoryAttributes, KernelRules.AttributesNotSupported)),
            ["KVM_CHECK_EXTENSION on a closed VM"] = (f => f.Lab.CheckCapability(f.ClosedVm, Capability.GuestMemfd), Expect.Kernel(Errno.EBADF, KernelOperation.CheckExtension, KernelRules.DescriptorClosed)),
            ["An id no object has"] = (f => f.Lab.FindVm("vm9"), Expect.Lab("GmemObjectNotFound")),
            ["A memslot id that is no memslot"] = (f => f.Lab.FindMemslot("vm0/slot9"), Expect.Lab("GmemObjectNotFound")),
        };

        public static IEnumerable<TheoryDataRow<string>> RowNames() => Rows.Keys.Select(k => new TheoryDataRow<string>(k));

        [Theory]
        [MemberData(nameof(RowNames))]
        public void A_hostile_request_is_a_typed_error_with_a_stable_id_and_changes_nothing(string row)
        {
            var (act, expected) = Rows[row];
            if (Backend == BackendKind.Kvm) KvmAvailability.OpenOrSkip().Dispose();
            using var f = new Fixture(Backend);
            string before = f.Fingerprint();
            int steps = f.Lab.StepCount;

            var e = Assert.ThrowsAny<Exception>(() => act(f));
            var info = GmemErrors.Classify(e);
            Assert.True(info != null, $"{row}: {e.GetType().Name} is not an error GmemPS reports: {e.Message}");
            Assert.False(info!.Terminating, $"{row}: a refusal of one request must not stop a pipeline");
            Assert.NotEqual(GmemLab.InternalError, info.ErrorId);
            if (expected.Errno == Errno.None)
            {
                Assert.Equal(expected.Id, info.ErrorId);
            }
            else
            {
                var kernel = Assert.IsType<GmemException>(e);
                Assert.Equal(expected.Errno, kernel.Errno);
                // The simulator names the rule; the kernel's errno names it too, or every rule that shares the errno.
                string kernelId = KernelRules.Explain(expected.Operation, expected.Errno).Id;
                Assert.Contains(info.ErrorId, Backend == BackendKind.Simulator ? new[] { expected.Id } : new[] { expected.Id, kernelId });
                Assert.Contains(expected.Errno.ToString(), e.Message);
            }

            // Recorded as a refusal (when the lab got as far as recording it), never as a success.
            if (f.Lab.StepCount > steps)
            {
                var step = f.Lab.StepAt(f.Lab.StepCount - 1);
                Assert.False(step.Succeeded, $"{row}: recorded as a success");
                Assert.Equal(info.ErrorId, step.RuleId);
            }
            Assert.Equal(before, f.Fingerprint());
        }

        [Fact]
        public void The_catalogue_covers_every_scenario_step_kind()
        {
            // Every kind a scenario (and so the fuzzer) can issue has at least one hostile row above.
            string names = string.Join("\n", Rows.Keys);
            foreach (var (kind, word) in new[] { ("CreateVm", "CreateVm"), ("CreateFile", "CreateFile"), ("SetMemslot", "Memslot"), ("Fallocate", "Fallocate"),
                         ("Map", "Map"), ("MapAnonymous", "Map anonymous"), ("HostRead", "Host read"), ("HostWrite", "Host write"), ("Unmap", "Munmap"),
                         ("GuestRead", "Guest read"), ("GuestWrite", "Guest write"), ("FileRead", "read(2)"), ("FileWrite", "write(2)"), ("FilePread", "pread(2)"),
                         ("FileTruncate", "ftruncate(2)"), ("CloseFile", "Close a closed file"), ("CloseVm", "Close a closed VM"),
                         ("SetAttributes", "KVM_SET_MEMORY_ATTRIBUTES"), ("CheckExtension", "KVM_CHECK_EXTENSION") })
            {
                Assert.Contains(kind, GmemPS.Scenarios.ScenarioSchema.StepKinds);
                Assert.Contains(word, names);
            }
            Assert.Equal(19, GmemPS.Scenarios.ScenarioSchema.StepKinds.Count);
        }
    }

    public sealed class SimulatorHostileUseCatalogue : HostileUseCatalogue
    {
        protected override BackendKind Backend => BackendKind.Simulator;
    }

    public sealed class KvmHostileUseCatalogue : HostileUseCatalogue
    {
        protected override BackendKind Backend => BackendKind.Kvm;
    }
}
