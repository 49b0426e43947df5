using System.Collections.Generic;
using System.IO;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>Counting the whole process's fds and mappings only works when no other test runs meanwhile.</summary>
    [CollectionDefinition(nameof(ProcessWideCounts), DisableParallelization = true)]
    public sealed class ProcessWideCounts { }

    /// <summary>What the process holds, counted from /proc/self: the leak tests compare these before and after.</summary>
    internal static class ProcessCounts
    {
        public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
        /// <summary>
        /// Lines of /proc/self/maps, without the runtime's W^X code heap ("/memfd:doublemapper"), which the JIT
        /// grows and splits on its own while the loop runs (measured: +2 to +20 lines per 1,000 cycles, none kvm).
        /// </summary>
        public static int MappingLines() => File.ReadAllLines("/proc/self/maps").Count(line => !line.Contains("doublemapper"));

        /// <summary>The backend's own objects: /dev/kvm, VM, vCPU and guest_memfd fds and their mappings.</summary>
        public static int KvmDescriptors() =>
            Directory.GetFileSystemEntries("/proc/self/fd").Count(fd => (new FileInfo(fd).LinkTarget ?? "").Contains("kvm"));
        public static int KvmMappingLines() => File.ReadAllLines("/proc/self/maps").Count(line => line.Contains("kvm"));

        /// <summary>Shared mappings (MAP_SHARED: guest_memfd views, anonymous shared memory, kvm_run), without the runtime's code heap.</summary>
        public static int SharedMappingLines() =>
            File.ReadAllLines("/proc/self/maps").Count(line => !line.Contains("doublemapper") && Fields(line).Perms.EndsWith("s", System.StringComparison.Ordinal));

        /// <summary>The address ranges mapped now, adjacent mappings merged into one range.</summary>
        public static List<(ulong Start, ulong End)> MappedRanges()
        {
            var merged = new List<(ulong Start, ulong End)>();
            foreach (var f in File.ReadAllLines("/proc/self/maps").Select(Fields).OrderBy(f => f.Start))
            {
                if (merged.Count > 0 && merged[merged.Count - 1].End == f.Start)
                    merged[merged.Count - 1] = (merged[merged.Count - 1].Start, f.End);
                else merged.Add((f.Start, f.End));
            }
            return merged;
        }

        /// <summary>
        /// Mappings that lie outside every range mapped at <paramref name="before"/>: new mappings, as opposed to the
        /// runtime committing (and so splitting the lines of) address space it had already reserved — the GC's regions
        /// grow their rw-p part inside a ---p reservation as the heap grows, which is not a leak of ours.
        /// </summary>
        public static List<string> MappingsOutside(List<(ulong Start, ulong End)> before) =>
            File.ReadAllLines("/proc/self/maps")
                .Where(line => !line.Contains("doublemapper"))
                .Where(line =>
                {
                    var f = Fields(line);
                    return !before.Any(r => r.Start <= f.Start && f.End <= r.End);
                })
                .ToList();

        private static (ulong Start, ulong End, string Perms) Fields(string line)
        {
            var parts = line.Split(' ', 3, System.StringSplitOptions.RemoveEmptyEntries);
            var range = parts[0].Split('-');
            return (System.Convert.ToUInt64(range[0], 16), System.Convert.ToUInt64(range[1], 16), parts[1]);
        }
    }

    /// <summary>Every fd and mapping is owned by a SafeHandle and released when its object is closed.</summary>
    [Collection(nameof(ProcessWideCounts))]
    public class LeakTests
    {
        private const int Cycles = 1000;

        private static int OpenDescriptors() => ProcessCounts.OpenDescriptors();
        private static int MappingLines() => ProcessCounts.MappingLines();
        private static int KvmDescriptors() => ProcessCounts.KvmDescriptors();
        private static int KvmMappingLines() => ProcessCounts.KvmMappingLines();

        [Fact]
        public void A_thousand_full_cycles_leave_no_descriptor_or_mapping_behind()
        {
            using var host = KvmTestHost.OpenOrSkip();
            void Cycle(bool withGuest)
            {
                var vm = host.CreateVm(0);
                var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(KvmTestHost.TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
                var map = file.Map(new MapRequest(0, (long)KvmTestHost.TwoMiB));
                vm.Bind(0, KvmTestHost.FourGiB, file, KvmTestHost.TwoMiB, userspaceAddr: map.Address);
                map.Write(0, new byte[] { 1, 2, 3, 4 });
                if (withGuest) Assert.True(vm.GuestRead(KvmTestHost.FourGiB, 4).Completed);
                file.Fallocate(FallocateRequest.PunchHole(0, 4096));
                map.Unmap();
                vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(0));
                file.Close();
                vm.Close();
            }

            // Warm up: the runtime's own descriptors and mappings (JIT, P/Invoke stubs) settle first.
            for (int i = 0; i < 20; i++) Cycle(withGuest: true);
            int fdsBefore = OpenDescriptors(), kvmFdsBefore = KvmDescriptors();
            int mapsBefore = MappingLines(), kvmMapsBefore = KvmMappingLines();

            for (int i = 0; i < Cycles; i++) Cycle(withGuest: i % 10 == 0);

            int fdsAfter = OpenDescriptors(), kvmFdsAfter = KvmDescriptors();
            int mapsAfter = MappingLines(), kvmMapsAfter = KvmMappingLines();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"after {Cycles} cycles: fds {fdsBefore} -> {fdsAfter} (kvm {kvmFdsBefore} -> {kvmFdsAfter}), " +
                $"maps {mapsBefore} -> {mapsAfter} (kvm {kvmMapsBefore} -> {kvmMapsAfter})");
            Assert.Equal(kvmFdsBefore, kvmFdsAfter);
            Assert.Equal(kvmMapsBefore, kvmMapsAfter);
            Assert.Equal(fdsBefore, fdsAfter);
            Assert.Equal(mapsBefore, mapsAfter);
        }
    }
}
