namespace GmemPS.Kvm
{
    /// <summary>How the fault-safe host access reaches this process's memory.</summary>
    public enum HostAccessPath
    {
        /// <summary>pread/pwrite on /proc/self/mem: a refused page answers EIO.</summary>
        ProcSelfMem,
        /// <summary>process_vm_readv/writev on our own pid: a refused page answers EFAULT.</summary>
        ProcessVm,
    }

    /// <summary>Knobs of the Kvm backend. The defaults are what GmemPS uses; tests and benchmarks vary them.</summary>
    public sealed record KvmOptions
    {
        public static readonly KvmOptions Default = new KvmOptions();

        /// <summary>The device to open. Tests point it elsewhere to see the environment errors.</summary>
        public string DevicePath { get; init; } = "/dev/kvm";

        /// <summary>
        /// Where the guest-access scratch memslot goes when it does not collide with a user slot or the target:
        /// the top 32 KiB below 4 GiB, inside the PCI hole that real layouts leave empty.
        /// </summary>
        public ulong ScratchGpa { get; init; } = 0xFFFF_8000UL;

        /// <summary>
        /// process_vm_readv/writev by default. Measured with benchmarks/run.sh, section hostaccess (median µs, pages present):
        /// read 4 KiB 1.3 vs 1.0-1.4 for /proc/self/mem, write 4 KiB 0.6 vs 0.75, read 1 MiB 114-119 vs 147-160,
        /// write 1 MiB 40 vs 89-94. It also holds no descriptor, so a mapping keeps working after its host is disposed.
        /// </summary>
        public HostAccessPath HostAccess { get; init; } = HostAccessPath.ProcessVm;
    }
}
