using System.Collections.Generic;
using System.Diagnostics;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// One round of gmem_bench.c's loops, through the Kvm backend's public contract (so the events, the
    /// slot table and the SafeHandle marshalling are all in the measured path). Each call is timed alone.
    /// </summary>
    internal static class ManagedRound
    {
        private const long Page = 4096;

        public static Dictionary<string, double> Run(KvmHost host, int pages)
        {
            var t = new double[pages];
            var medians = new Dictionary<string, double>();
            using IGmemVm vm = host.CreateVm(0);
            using IGuestMemfd file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest((ulong)(pages * Page), GuestMemfdFlags.None));
            uint fd = (uint)file.Fd;

            for (int i = 0; i < pages; i++)
            {
                var region = new UserMemoryRegion2((uint)i, MemslotFlags.GuestMemfd, (ulong)(i * Page), (ulong)Page, 0, (ulong)(i * Page), fd);
                long start = Stopwatch.GetTimestamp();
                vm.SetUserMemoryRegion2(region);
                t[i] = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            }
            medians["bind"] = Median.Of(t);

            for (int i = 0; i < pages; i++)
            {
                var request = FallocateRequest.Allocate(i * Page, Page);
                long start = Stopwatch.GetTimestamp();
                file.Fallocate(request);
                t[i] = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            }
            medians["allocate"] = Median.Of(t);

            for (int i = 0; i < pages; i++)
            {
                var request = FallocateRequest.PunchHole(i * Page, Page);
                long start = Stopwatch.GetTimestamp();
                file.Fallocate(request);
                t[i] = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            }
            medians["punch"] = Median.Of(t);

            for (int i = 0; i < pages; i++)
            {
                var region = UserMemoryRegion2.Delete((uint)i);
                long start = Stopwatch.GetTimestamp();
                vm.SetUserMemoryRegion2(region);
                t[i] = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            }
            medians["delete"] = Median.Of(t);
            return medians;
        }
    }
}
