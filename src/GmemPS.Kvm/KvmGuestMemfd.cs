using System;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>A guest_memfd fd. Each method is one syscall; the kernel decides, this class reports.</summary>
    public sealed unsafe class KvmGuestMemfd : IGuestMemfd
    {
        private readonly KvmVm vm;
        private readonly FileDescriptorHandle file;

        internal KvmGuestMemfd(KvmVm vm, FileDescriptorHandle file, long size, GuestMemfdFlags flags, long inode)
        {
            this.vm = vm;
            this.file = file;
            Size = size;
            Flags = flags;
            Inode = inode;
        }

        public int Fd => file.Number;
        /// <summary>st_size from fstat right after creation (a guest_memfd never changes size).</summary>
        public long Size { get; }
        public GuestMemfdFlags Flags { get; }
        /// <summary>st_ino: distinct per guest_memfd, the name events use.</summary>
        public long Inode { get; }
        public bool IsClosed => file.IsClosed;

        public void Fallocate(FallocateRequest request)
        {
            ThrowIfClosed(KernelOperation.Fallocate);
            if (Libc.fallocate(file, (int)request.Mode, request.Offset, request.Length) != 0)
                throw Errors.LastRefused(KernelOperation.Fallocate, request);
        }

        /// <summary>mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED or MAP_PRIVATE, fd, offset).</summary>
        public IHostMapping Map(MapRequest request)
        {
            ThrowIfClosed(KernelOperation.Mmap);
            int flags = request.Shared ? Libc.MAP_SHARED : Libc.MAP_PRIVATE;
            IntPtr address = Libc.mmap(IntPtr.Zero, (nuint)request.Length, Libc.PROT_READ | Libc.PROT_WRITE, flags, file, request.Offset);
            if (address == Libc.MAP_FAILED) throw Errors.LastRefused(KernelOperation.Mmap, request);
            return new KvmMapping(new MappingHandle(address, request.Length), vm.Host.HostMemory, $"mapping of guest_memfd {Fd}");
        }

        public int Read(int count)
        {
            ThrowIfClosed(KernelOperation.FileRead);
            var buffer = new byte[Math.Max(count, 0)];
            fixed (byte* p = buffer)
            {
                nint n = Libc.read(file, p, (nuint)buffer.Length);
                if (n < 0) throw Errors.LastRefused(KernelOperation.FileRead, $"count {count}");
                return (int)n;
            }
        }

        public int Write(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            ThrowIfClosed(KernelOperation.FileWrite);
            fixed (byte* p = data)
            {
                nint n = Libc.write(file, p, (nuint)data.Length);
                if (n < 0) throw Errors.LastRefused(KernelOperation.FileWrite, $"{data.Length} bytes");
                return (int)n;
            }
        }

        public int Pread(int count, long offset)
        {
            ThrowIfClosed(KernelOperation.FilePread);
            var buffer = new byte[Math.Max(count, 0)];
            fixed (byte* p = buffer)
            {
                nint n = Libc.pread(file, p, (nuint)buffer.Length, offset);
                if (n < 0) throw Errors.LastRefused(KernelOperation.FilePread, $"count {count}, offset {Hex.Signed(offset)}");
                return (int)n;
            }
        }

        public void Truncate(long length)
        {
            ThrowIfClosed(KernelOperation.FileTruncate);
            if (Libc.ftruncate(file, length) != 0) throw Errors.LastRefused(KernelOperation.FileTruncate, $"length {Hex.Signed(length)}");
        }

        /// <summary>close(). A mapping of the file stays usable: its VMA holds a file reference.</summary>
        public void Close()
        {
            ThrowIfClosed(KernelOperation.Close);
            Dispose();
        }

        public void Dispose()
        {
            if (file.IsClosed) return;
            vm.Forget(this);
            file.Dispose();
        }

        private void ThrowIfClosed(KernelOperation operation)
        {
            // Closed by us: its number may name another file by now, so it never goes to the kernel again.
            if (file.IsClosed) throw GmemException.Closed(operation, $"guest_memfd {file.Number}");
        }

        public override string ToString() => $"guest_memfd {Fd} (inode {Inode}, {Hex.Size((ulong)Size)}, {Flags})";
    }
}
