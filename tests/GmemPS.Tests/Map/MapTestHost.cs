using System;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Tests.Map
{
    /// <summary>
    /// A host that accepts every request and models nothing, so the map tests can lay out any picture
    /// (private attributes on a default VM, a closed file with a slot still bound) without depending on
    /// which rules a backend enforces. The kernel's rules are the Conformance suite's business.
    /// </summary>
    internal sealed class MapTestFactory : IBackendFactory
    {
        public IGmemHost Create(BackendKind kind, string? profile) => new MapTestHost();

        public static GmemLab NewLab() => new GmemLab(new MapTestFactory());
    }

    internal sealed class MapTestHost : IGmemHost
    {
        private int nextFd = 10;

        public string BackendName => "Simulator";
        public int Fd => 3;
        public EventLog Events { get; } = new EventLog();
        public long CheckExtension(Capability capability) => 0;
        public IGmemVm CreateVm(ulong type) => new Vm(this, nextFd++, type);
        public IHostMapping MapAnonymous(long length) => new Mapping(0x7f0000000000UL, length);
        public void Dispose() { }

        private sealed class Vm : IGmemVm
        {
            private readonly MapTestHost host;

            public Vm(MapTestHost host, int fd, ulong type)
            {
                this.host = host;
                Fd = fd;
                Type = type;
            }

            public int Fd { get; }
            public ulong Type { get; }
            public bool IsClosed { get; private set; }
            public long CheckExtension(Capability capability) => 0;
            public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request) => new File(host.nextFd++, (long)request.Size, request.Flags);
            public void SetUserMemoryRegion2(UserMemoryRegion2 request) { }
            public void SetMemoryAttributes(MemoryAttributesRequest request) { }
            public GuestAccessResult GuestRead(ulong gpa, int length) => GuestAccessResult.Done(new byte[length]);
            public GuestAccessResult GuestWrite(ulong gpa, byte[] data) => GuestAccessResult.Done(Array.Empty<byte>());
            public void Close() => IsClosed = true;
            public void Dispose() => IsClosed = true;
        }

        private sealed class File : IGuestMemfd
        {
            public File(int fd, long size, GuestMemfdFlags flags)
            {
                Fd = fd;
                Size = size;
                Flags = flags;
            }

            public int Fd { get; }
            public long Size { get; }
            public GuestMemfdFlags Flags { get; }
            public bool IsClosed { get; private set; }
            public void Fallocate(FallocateRequest request) { }
            public IHostMapping Map(MapRequest request) => new Mapping(0x7f1000000000UL, request.Length);
            public int Read(int count) => throw new NotSupportedException();
            public int Write(byte[] data) => throw new NotSupportedException();
            public int Pread(int count, long offset) => throw new NotSupportedException();
            public void Truncate(long length) => throw new NotSupportedException();
            public void Close() => IsClosed = true;
            public void Dispose() => IsClosed = true;
        }

        private sealed class Mapping : IHostMapping
        {
            public Mapping(ulong address, long length)
            {
                Address = address;
                Length = length;
            }

            public ulong Address { get; }
            public long Length { get; }
            public bool IsUnmapped { get; private set; }
            public byte[] Read(long offset, int count) => new byte[count];
            public void Write(long offset, byte[] data) { }
            public void Unmap() => IsUnmapped = true;
            public void Dispose() => IsUnmapped = true;
        }
    }
}
