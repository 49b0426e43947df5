using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// The Kvm backend against the C program, the same loops alternately in one run (so both see the same machine
    /// state): bind/delete 8,000 slots, allocate/punch 8,000 pages, map + read 1 GiB. Target: Kvm ≤ 1.10 × C.
    /// </summary>
    internal static class KvmVsNative
    {
        public const double Target = 1.10;
        private const ulong GiB = 1UL << 30;
        /// <summary>
        /// Both sides copy the mapping out in pieces of one size (C into one reused buffer, the backend into the new
        /// array IHostMapping.Read returns): 64 KiB arrays live in gen0; 16 MiB ones on the large-object heap.
        /// </summary>
        private static readonly int[] ReadChunks = { 64 << 10, 16 << 20 };

        public static void Run(string native, int rounds, int pages)
        {
            using var host = KvmHost.Open();
            OperationLoops.Run(host, 500, 500 * OperationLoops.Page, batch: 1); // JIT and tiering warm-up, not measured
            foreach (int chunk in ReadChunks) MapRead(host, 64 << 20, chunk);
            var c = new List<Dictionary<string, double>>();
            var managed = new List<Dictionary<string, double>>();
            var reads = new Dictionary<string, List<double>>();
            void Record(string what, double microseconds)
            {
                if (!reads.TryGetValue(what, out var list)) reads[what] = list = new List<double>();
                list.Add(microseconds / 1000);
            }
            for (int round = 0; round < rounds; round++)
            {
                c.Add(NativeRound.Loops(native, pages, (ulong)pages * OperationLoops.Page));
                managed.Add(OperationLoops.Run(host, pages, (ulong)pages * OperationLoops.Page, batch: 1));
                foreach (int chunk in ReadChunks)
                {
                    string size = chunk.ToString(CultureInfo.InvariantCulture);
                    foreach (string copy in new[] { "memcpy", "vm" })
                        Record($"C {copy} {chunk}", NativeRound.Run(native, "--map-read", GiB.ToString(CultureInfo.InvariantCulture), size, copy)["mapread"]);
                    Record($"Kvm {chunk}", MapRead(host, GiB, chunk));
                }
            }

            var table = new Table("operation", "C", "Kvm backend", "Kvm / C");
            foreach (string op in OperationLoops.Operations)
            {
                double cMedian = Median.Of(c.Select(r => r[op])), kvm = Median.Of(managed.Select(r => r[op]));
                table.Add($"{op} (µs)", cMedian, kvm, Table.Ratio(kvm / cMedian, Target));
            }
            foreach (int chunk in ReadChunks)
            {
                double kvmMs = Median.Of(reads[$"Kvm {chunk}"]);
                foreach (var (copy, name) in new[] { ("memcpy", "memcpy"), ("vm", "process_vm_readv") })
                {
                    double cMs = Median.Of(reads[$"C {copy} {chunk}"]);
                    table.Add($"map + read 1 GiB in {Size(chunk)} pieces (ms), C {name}", cMs, kvmMs, Table.Ratio(kvmMs / cMs, Target));
                }
            }
            table.Print($"Kvm backend vs C: {pages:N0} slots/pages per loop, {rounds} alternating rounds, median of per-round medians (target ≤ {Target:F2}×)");
            Console.WriteLine();
            Console.WriteLine("map + read: mmap(MAP_SHARED) of a fresh 1 GiB MMAP|INIT_SHARED guest_memfd, every byte copied out, munmap. C copies with memcpy " +
                "from the mapping or with process_vm_readv; the Kvm backend's IHostMapping.Read is process_vm_readv (it never loads from the mapping, " +
                "so a refused page is an errno, not a SIGBUS). Per round, ms:");
            foreach (var (what, list) in reads) Console.WriteLine($"- {what.Replace(" vm ", " process_vm_readv ")} B: {string.Join(", ", list.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}");
        }

        private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";

        /// <summary>µs to map a fresh file of <paramref name="bytes"/>, read all of it through the backend and unmap it.</summary>
        private static double MapRead(IGmemHost host, ulong bytes, int chunk)
        {
            using var vm = host.CreateVm(0);
            using var file = vm.CreateGuestMemfd(new CreateGuestMemfdRequest(bytes, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
            int sum = 0;
            long start = Stopwatch.GetTimestamp();
            var map = file.Map(new MapRequest(0, (long)bytes));
            var data = new byte[chunk]; // one buffer for the whole read, as the C loop has
            for (ulong at = 0; at < bytes; at += (ulong)chunk)
            {
                if (bytes - at < (ulong)chunk) data = new byte[bytes - at];
                map.ReadInto((long)at, data);
                sum += data[data.Length - 1];
            }
            map.Unmap();
            double elapsed = Median.Microseconds(Stopwatch.GetTimestamp() - start);
            if (sum != 0) throw new InvalidOperationException("a fresh guest_memfd read back non-zero bytes");
            return elapsed;
        }
    }
}
