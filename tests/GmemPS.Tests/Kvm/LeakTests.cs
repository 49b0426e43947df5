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

    /// <summary>
    /// What GmemPS owns in this process, counted from /proc/self: kvm descriptors (/dev/kvm, VM, vCPU and guest_memfd
    /// fds), kvm mappings (guest_memfd views, the vCPU's kvm_run) and shared anonymous memory (slot backing, the
    /// vCPU's scratch memory: "/dev/zero (deleted)"). Nothing else in the process makes these, so the counts are the
    /// tests' own; the runtime's descriptors, heaps and code mappings, which grow and split on their own, are not counted.
    /// </summary>
    internal static class ProcessCounts
    {
        public static int KvmDescriptors() =>
            Directory.GetFileSystemEntries("/proc/self/fd").Count(fd => (new FileInfo(fd).LinkTarget ?? "").Contains("kvm"));

        public static int KvmMappingLines() => OwnedMappingLines().Count(line => line.Contains("kvm"));

        public static int SharedAnonymousLines() => OwnedMappingLines().Count(line => line.Contains("/dev/zero"));

        /// <summary>The mappings GmemPS owns, as /proc/self/maps lines.</summary>
        public static List<string> OwnedMappingLines() =>
            File.ReadAllLines("/proc/self/maps").Where(line => line.Contains("kvm") || line.Contains("/dev/zero")).ToList();

        /// <summary>
        /// Which of <paramref name="ranges"/> (mappings a test made and unmapped) a GmemPS mapping still covers. Only owned
        /// lines count: once unmapped, the address may be handed to the runtime's heap, which is no leak of ours.
        /// </summary>
        public static List<(ulong Start, ulong End)> StillMapped(IEnumerable<(ulong Start, ulong End)> ranges)
        {
            var owned = OwnedMappingLines().Select(Fields).ToList();
            return ranges.Where(r => owned.Any(m => m.Start < r.End && r.Start < m.End)).ToList();
        }

        private static (ulong Start, ulong End) Fields(string line)
        {
            var range = line.Split(' ', 2)[0].Split('-');
            return (System.Convert.ToUInt64(range[0], 16), System.Convert.ToUInt64(range[1], 16));
        }
    }

    /// <summary>Every fd and mapping is owned by a SafeHandle and released when its object is closed.</summary>
    [Collection(nameof(ProcessWideCounts))]
    public class LeakTests
    {
        private const int Cycles = 1000;

        [Fact]
        public void A_thousand_full_cycles_leave_no_descriptor_or_mapping_behind()
        {
            using var host = KvmTestHost.OpenOrSkip();
            var mine = new List<(ulong Start, ulong End)>();
            void Cycle(bool withGuest)
            {
                var vm = host.CreateVm(0);
                var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(KvmTestHost.TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
                var map = file.Map(new MapRequest(0, (long)KvmTestHost.TwoMiB));
                mine.Add((map.Address, map.Address + (ulong)map.Length));
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
            int kvmFdsBefore = ProcessCounts.KvmDescriptors();
            var ownedBefore = ProcessCounts.OwnedMappingLines();

            for (int i = 0; i < Cycles; i++) Cycle(withGuest: i % 10 == 0);

            int kvmFdsAfter = ProcessCounts.KvmDescriptors();
            var ownedAfter = ProcessCounts.OwnedMappingLines();
            var stillMapped = ProcessCounts.StillMapped(mine);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"after {Cycles} cycles: kvm fds {kvmFdsBefore} -> {kvmFdsAfter}, kvm and shared anonymous mappings " +
                $"{ownedBefore.Count} -> {ownedAfter.Count}, {stillMapped.Count} of the test's {mine.Count} mappings still mapped");
            Assert.Equal(kvmFdsBefore, kvmFdsAfter);
            Assert.Equal(ownedBefore, ownedAfter);
            Assert.Empty(stillMapped);
        }
    }
}
