using System;
using GmemPS.Kernel;

namespace GmemPS.Contract
{
    /// <summary>What happened when a vCPU touched guest memory.</summary>
    public sealed record GuestAccessResult
    {
        /// <summary>How the access ended: Hlt when the access completed.</summary>
        public ExitReason Exit { get; init; }
        /// <summary>The errno KVM_RUN returned (None when it returned 0).</summary>
        public Errno RunErrno { get; init; }
        /// <summary>The bytes read (reads that completed), otherwise empty.</summary>
        public byte[] Data { get; init; } = Array.Empty<byte>();
        /// <summary>The gpa of a KVM_EXIT_MMIO or KVM_EXIT_MEMORY_FAULT.</summary>
        public ulong ExitGpa { get; init; }
        /// <summary>KVM_EXIT_MEMORY_FAULT's size.</summary>
        public ulong FaultSize { get; init; }
        /// <summary>KVM_EXIT_MEMORY_FAULT's flags.</summary>
        public MemoryFaultFlags FaultFlags { get; init; }

        public bool Completed => Exit == ExitReason.Hlt && RunErrno == Errno.None;

        public static GuestAccessResult Done(byte[] data) => new GuestAccessResult { Exit = ExitReason.Hlt, Data = data };

        public static GuestAccessResult Mmio(ulong gpa) => new GuestAccessResult { Exit = ExitReason.Mmio, ExitGpa = gpa };

        public static GuestAccessResult MemoryFault(ulong gpa, MemoryFaultFlags flags, Errno errno = Errno.EFAULT) =>
            new GuestAccessResult
            {
                Exit = ExitReason.MemoryFault, RunErrno = errno, ExitGpa = gpa & ~(ulong)(KvmLimits.PageSize - 1),
                FaultSize = (ulong)KvmLimits.PageSize, FaultFlags = flags,
            };

        public override string ToString() => Exit switch
        {
            ExitReason.Hlt when RunErrno == Errno.None => $"completed ({Data.Length} bytes)",
            ExitReason.Mmio => $"KVM_EXIT_MMIO at {Hex.Address(ExitGpa)}",
            ExitReason.MemoryFault =>
                $"KVM_EXIT_MEMORY_FAULT gpa {Hex.Address(ExitGpa)} size {Hex.Size(FaultSize)} flags 0x{(ulong)FaultFlags:x}, KVM_RUN {RunErrno}",
            _ => $"exit {Exit}, KVM_RUN {RunErrno}",
        };
    }
}
