using System;
using System.Diagnostics;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// Latency of the two fault-safe host access paths (/proc/self/mem, process_vm_readv/writev) for
    /// 4 KiB and 1 MiB, read and write, on a guest_memfd mapping with INIT_SHARED (pages present).
    /// </summary>
    internal static class HostAccessLatency
    {
        public static void Print(int iterations)
        {
            var table = new Table("path", "read 4 KiB", "write 4 KiB", "read 1 MiB", "write 1 MiB");
            foreach (HostAccessPath path in new[] { HostAccessPath.ProcSelfMem, HostAccessPath.ProcessVm })
            {
                using var host = KvmHost.Open(KvmOptions.Default with { HostAccess = path });
                using var vm = host.CreateVm(0);
                using var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(2UL << 20, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
                using var map = file.Map(new MapRequest(0, 2L << 20));
                map.Write(0, new byte[1 << 20]);
                table.Add(path, Time(() => map.Read(0, 4096), iterations), Time(() => map.Write(0, Small), iterations),
                    Time(() => map.Read(0, 1 << 20), iterations / 10), Time(() => map.Write(0, Large), iterations / 10));
            }
            table.Print("Host access through a guest_memfd mapping (median µs per call, pages already faulted in)");
        }

        private static readonly byte[] Small = new byte[4096];
        private static readonly byte[] Large = new byte[1 << 20];

        private static double Time(Action action, int iterations)
        {
            for (int i = 0; i < Math.Min(iterations, 100); i++) action();
            var t = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                long start = Stopwatch.GetTimestamp();
                action();
                t[i] = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            }
            return Median.Of(t);
        }
    }
}
