using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Kernel;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// gmem_bench.c's loops through a backend's public contract (Kvm or the simulator), so everything a
    /// script pays for — validation, events, handle checks — is in the measured path. Slot/page i lives at
    /// file offset i × stride, stride = fileBytes / pages rounded down to a page, exactly as in the C program.
    /// </summary>
    internal static class OperationLoops
    {
        public const long Page = 4096;
        public static readonly string[] Operations = { "bind", "delete", "allocate", "punch" };

        public static Dictionary<string, double> Run(IGmemHost host, int pages, ulong fileBytes, int batch)
        {
            ulong stride = fileBytes / (ulong)pages / Page * Page;
            var medians = new Dictionary<string, double>();
            using IGmemVm vm = host.CreateVm(0);
            using IGuestMemfd file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(fileBytes, GuestMemfdFlags.None));
            uint fd = (uint)file.Fd;
            var binds = new UserMemoryRegion2[pages];
            var allocations = new FallocateRequest[pages];
            var punches = new FallocateRequest[pages];
            var deletes = new UserMemoryRegion2[pages];
            for (int i = 0; i < pages; i++)
            {
                binds[i] = new UserMemoryRegion2((uint)i, MemslotFlags.GuestMemfd, (ulong)i * Page, Page, 0, (ulong)i * stride, fd);
                allocations[i] = FallocateRequest.Allocate((long)((ulong)i * stride), Page);
                punches[i] = FallocateRequest.PunchHole((long)((ulong)i * stride), Page);
                deletes[i] = UserMemoryRegion2.Delete((uint)i);
            }
            medians["bind"] = Median.PerCall(pages, batch, i => vm.SetUserMemoryRegion2(binds[i]));
            medians["allocate"] = Median.PerCall(pages, batch, i => file.Fallocate(allocations[i]));
            medians["punch"] = Median.PerCall(pages, batch, i => file.Fallocate(punches[i]));
            medians["delete"] = Median.PerCall(pages, batch, i => vm.SetUserMemoryRegion2(deletes[i]));
            return medians;
        }
    }
}
