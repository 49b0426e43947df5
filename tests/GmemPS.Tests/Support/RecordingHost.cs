using System;
using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Tests.Support
{
    /// <summary>
    /// A host that accepts everything, models nothing and records every request in order: the lab tests
    /// check exactly which kernel calls an operation makes, and the map tests lay out any picture without
    /// depending on which rules a backend enforces (those are the Conformance suite's business). <see cref="FailNext"/>
    /// makes the next request of an operation fail with the given rule, as the kernel would.
    /// </summary>
    internal sealed class RecordingHost : IGmemHost, IBackendFactory
    {
        private int nextFd = 4;

        public List<object> Requests { get; } = new List<object>();
        public Dictionary<KernelOperation, KernelRule> FailNext { get; } = new Dictionary<KernelOperation, KernelRule>();
        public Func<Capability, long> Capabilities { get; set; } = c => (long)c;

        public static (GmemLab Lab, RecordingHost Host) NewLab()
        {
            var host = new RecordingHost();
            return (new GmemLab(host), host);
        }

        /// <summary>One host whatever it is called: names pass as given.</summary>
        public string? CanonicalProfile(BackendKind kind, string? profile) => profile;
        public IReadOnlyList<string> ProfileNames(BackendKind kind) => Array.Empty<string>();
        public IGmemHost Create(BackendKind kind, string? profile) => this;

        public string BackendName => "Simulator";
        public int Fd => 3;
        public EventLog Events { get; } = new EventLog();
        public long CheckExtension(Capability capability) => Capabilities(capability);
        public IGmemVm CreateVm(ulong type) => new Vm(this, nextFd++, type);
        public IHostMapping MapAnonymous(long length)
        {
            Requests.Add(("MapAnonymous", length));
            return new Mapping(0x7f0000000000UL, length);
        }

        public void Dispose() { }

        private void Check(KernelOperation operation, object request)
        {
            Requests.Add(request);
            if (FailNext.Remove(operation, out var rule)) throw new GmemException(operation, rule, request);
        }

        private sealed class Vm : IGmemVm
        {
            private readonly RecordingHost host;

            public Vm(RecordingHost host, int fd, ulong type)
            {
                this.host = host;
                Fd = fd;
                Type = type;
            }

            public int Fd { get; }
            public ulong Type { get; }
            public bool IsClosed { get; private set; }
            public long CheckExtension(Capability capability) => host.Capabilities(capability) + 1000;
            public IGuestMemfd CreateGuestMemfd(CreateGuestMemfdRequest request)
            {
                host.Check(KernelOperation.CreateGuestMemfd, request);
                return new File(host, host.nextFd++, (long)request.Size, request.Flags);
            }

            public void SetUserMemoryRegion2(UserMemoryRegion2 request) => host.Check(KernelOperation.SetUserMemoryRegion2, request);
            public void SetMemoryAttributes(MemoryAttributesRequest request) => host.Check(KernelOperation.SetMemoryAttributes, request);
            public GuestAccessResult GuestRead(ulong gpa, int length) => GuestAccessResult.Done(new byte[length]);
            public GuestAccessResult GuestWrite(ulong gpa, byte[] data) => GuestAccessResult.Done(Array.Empty<byte>());
            public void Close() => IsClosed = true;
            public void Dispose() => IsClosed = true;
        }

        private sealed class File : IGuestMemfd
        {
            private readonly RecordingHost host;

            public File(RecordingHost host, int fd, long size, GuestMemfdFlags flags)
            {
                this.host = host;
                Fd = fd;
                Size = size;
                Flags = flags;
            }

            public int Fd { get; }
            public long Size { get; }
            public GuestMemfdFlags Flags { get; }
            public bool IsClosed { get; private set; }
            public void Fallocate(FallocateRequest request) => host.Check(KernelOperation.Fallocate, (Fd, request));
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
            public void ReadInto(long offset, byte[] destination) => System.Array.Clear(destination, 0, destination.Length);
            public void Write(long offset, byte[] data) { }
            public void Unmap() => IsUnmapped = true;
            public bool[] Residency() => new bool[(Length + 4095) / 4096];
            public void Dispose() => IsUnmapped = true;
        }
    }
}
