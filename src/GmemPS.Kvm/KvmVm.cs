using System;
using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>A VM fd. Requests reach the kernel untouched; this class only remembers what succeeded.</summary>
    public sealed unsafe class KvmVm : IGmemVm
    {
        private readonly FileDescriptorHandle vm;
        /// <summary>The user's memslots as the kernel accepted them, so guest access can avoid them.</summary>
        private readonly MemslotTable slots = new MemslotTable();
        /// <summary>guest_memfds this VM created that are still open, by fd: the inode for SlotCreated events.</summary>
        private readonly Dictionary<int, KvmGuestMemfd> openFiles = new Dictionary<int, KvmGuestMemfd>();
        private GuestAccessor? guestAccessor;

        internal KvmVm(KvmHost host, FileDescriptorHandle vm, ulong type, int id)
        {
            Host = host;
            this.vm = vm;
            Type = type;
            Id = id;
        }

        internal KvmHost Host { get; }
        /// <summary>The number events use for this VM (the order of creation in its host).</summary>
        public int Id { get; }
        public int Fd => vm.Number;
        public ulong Type { get; }
        public bool IsClosed => vm.IsClosed;

        internal FileDescriptorHandle Handle => vm;
        internal MemslotTable Memslots => slots;

        public long CheckExtension(Capability capability)
        {
            ThrowIfClosed(KernelOperation.CheckExtension);
            int value = Libc.ioctl(vm, KvmIoctls.KVM_CHECK_EXTENSION, (nuint)(int)capability);
            if (value < 0) throw Errors.LastRefused(KernelOperation.CheckExtension, capability);
            return value;
        }

        public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request)
        {
            ThrowIfClosed(KernelOperation.CreateGuestMemfd);
            var args = new KvmCreateGuestMemfd { Size = request.Size, Flags = (ulong)request.Flags, Reserved0 = request.Reserved0 };
            int fd = Libc.ioctl(vm, KvmIoctls.KVM_CREATE_GUEST_MEMFD, &args);
            if (fd < 0) throw Errors.LastRefused(KernelOperation.CreateGuestMemfd, request);
            var handle = new FileDescriptorHandle(fd);
            FileStatus status;
            try { status = FileStatus.Of(handle); }
            catch { handle.Dispose(); throw; }
            var file = new KvmGuestMemfd(this, handle, status.Size, request.Flags, status.Inode);
            openFiles[fd] = file;
            Host.Events.Append(new GuestMemfdCreated(Id, status.Inode, (ulong)status.Size, request.Flags));
            return file;
        }

        public void SetUserMemoryRegion2(UserMemoryRegion2 request)
        {
            ThrowIfClosed(KernelOperation.SetUserMemoryRegion2);
            var args = new KvmUserspaceMemoryRegion2
            {
                Slot = request.Slot,
                Flags = (uint)request.Flags,
                GuestPhysAddr = request.GuestPhysAddr,
                MemorySize = request.MemorySize,
                UserspaceAddr = request.UserspaceAddr,
                GuestMemfdOffset = request.GuestMemfdOffset,
                GuestMemfd = request.GuestMemfd,
            };
            if (Libc.ioctl(vm, KvmIoctls.KVM_SET_USER_MEMORY_REGION2, &args) != 0)
                throw Errors.LastRefused(KernelOperation.SetUserMemoryRegion2, request);
            RecordAcceptedRegion(request);
        }

        /// <summary>The kernel said yes: update our view of the slots and report what certainly happened.</summary>
        private void RecordAcceptedRegion(UserMemoryRegion2 request)
        {
            MemslotChange change = slots.Apply(request);
            int slot = (int)request.Slot;
            if (change == MemslotChange.Deleted || change == MemslotChange.Moved) Host.Events.Append(new SlotDeleted(Id, slot));
            if (change == MemslotChange.Created || change == MemslotChange.Moved)
            {
                bool bound = (request.Flags & MemslotFlags.GuestMemfd) != 0;
                long inode = bound ? InodeOf(request.GuestMemfd) : -1;
                Host.Events.Append(new SlotCreated(Id, slot, request.GuestPhysAddr >> KvmLimits.PageShift,
                    request.MemorySize >> KvmLimits.PageShift, inode, bound ? request.GuestMemfdOffset >> KvmLimits.PageShift : 0));
            }
        }

        private long InodeOf(uint fd) =>
            openFiles.TryGetValue((int)fd, out KvmGuestMemfd? file) ? file.Inode : FileStatus.InodeOfRaw((int)fd);

        internal void Forget(KvmGuestMemfd file) => openFiles.Remove(file.Fd);

        public void SetMemoryAttributes(MemoryAttributesRequest request)
        {
            ThrowIfClosed(KernelOperation.SetMemoryAttributes);
            var args = new KvmMemoryAttributes
            {
                Address = request.Address, Size = request.Size, Attributes = (ulong)request.Attributes, Flags = request.Flags,
            };
            if (Libc.ioctl(vm, KvmIoctls.KVM_SET_MEMORY_ATTRIBUTES, &args) != 0)
                throw Errors.LastRefused(KernelOperation.SetMemoryAttributes, request);
            Host.Events.Append(new AttributesChanged(Id, request.Address >> KvmLimits.PageShift,
                (request.Address + request.Size) >> KvmLimits.PageShift, request.Attributes));
        }

        public GuestAccessResult GuestRead(ulong gpa, int length)
        {
            GuestAccessBounds.Check(gpa, length);
            ThrowIfClosed(KernelOperation.GuestAccess);
            return Accessor().Read(gpa, length);
        }

        public GuestAccessResult GuestWrite(ulong gpa, byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            GuestAccessBounds.Check(gpa, data.Length);
            ThrowIfClosed(KernelOperation.GuestAccess);
            return Accessor().Write(gpa, data);
        }

        /// <summary>The vCPU and its scratch memory exist only once a guest access is asked for.</summary>
        private GuestAccessor Accessor() => guestAccessor ??= new GuestAccessor(this);

        /// <summary>close(): the vCPU fd goes first, because it pins the VM as much as the VM fd does.</summary>
        public void Close()
        {
            ThrowIfClosed(KernelOperation.Close);
            Dispose();
        }

        public void Dispose()
        {
            guestAccessor?.Dispose();
            guestAccessor = null;
            vm.Dispose();
        }

        private void ThrowIfClosed(KernelOperation operation)
        {
            // The number may already name another file: never hand it to the kernel again.
            if (vm.IsClosed) throw GmemException.Closed(operation, $"vm {vm.Number}");
        }

        public override string ToString() => $"vm {Id} (fd {Fd}, type {Type})";
    }
}
