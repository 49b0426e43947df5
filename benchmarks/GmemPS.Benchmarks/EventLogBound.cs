using System;
using System.Diagnostics;
using System.Linq;
using GmemPS.Events;

namespace GmemPS.Benchmarks
{
    /// <summary>
    /// The event log under a flood: memory after 10^4 … 10^7 appended events stays at the ring's size (the newest
    /// <see cref="EventLog.DefaultCapacity"/> events) while the per-kind counts still cover every event.
    /// </summary>
    internal static class EventLogBound
    {
        public static void Run()
        {
            Median.WarmUp(() =>
            {
                var scratch = new EventLog();
                for (int i = 0; i < 100_000; i++) scratch.Append(new PagesAllocated(1, (ulong)i, (ulong)i + 1, 1));
            }, seconds: 1);
            var table = new Table("events appended", "retained", "retained MiB", "counted", "ns per append");
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var log = new EventLog();
            long appended = 0;
            foreach (long target in new[] { 10_000L, 100_000L, 1_000_000L, 10_000_000L })
            {
                long start = Stopwatch.GetTimestamp();
                long from = appended;
                for (; appended < target; appended++) log.Append(new PagesAllocated(1, (ulong)appended, (ulong)appended + 1, 1));
                double ns = Median.Microseconds(Stopwatch.GetTimestamp() - start) * 1000 / (appended - from);
                long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
                table.Add(appended, log.Since(0).Count, bytes / 1048576.0, log.CountsByKind.Values.Sum(), ns);
            }
            table.Print($"Event log: a bounded ring of {EventLog.DefaultCapacity:N0} events with per-kind counts");
            GC.KeepAlive(log);
        }
    }
}
