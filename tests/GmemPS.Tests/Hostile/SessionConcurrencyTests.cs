using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Tests.Support;
using Xunit;

namespace GmemPS.Tests.Hostile
{
    /// <summary>
    /// Two threads using one session: each operation works or is a clear, typed refusal — never a corrupted state.
    /// Both threads hammer shared objects (a VM, a file, its slot) and their own, while a third reads the session
    /// (steps, states, call descriptions, the simulator's invariants). Afterwards the session's view must be the
    /// kernel's: every slot it lists deletes, every file it lists open takes a punch, each thread's data is its last
    /// write. Then the session is disposed under a thread still working: that thread gets GmemSessionClosed.
    /// </summary>
    public abstract class SessionConcurrencyTests
    {
        private const int OperationsPerThread = 400;
        private const ulong TwoMiB = 2UL << 20;
        private const long Page = KvmLimits.PageSize;

        protected abstract BackendKind Backend { get; }

        /// <summary>What a thread may see: success, or an error GmemPS reports with an id (not a bug's exception).</summary>
        private static string? Unexpected(Exception e)
        {
            var info = GmemErrors.Classify(e);
            if (info == null || info.ErrorId == GmemLab.InternalError || info.Terminating) return $"{e.GetType().Name}: {e.Message}";
            return null;
        }

        private sealed class Worker
        {
            public Worker(int id) { Id = id; }
            public int Id { get; }
            public int Succeeded;
            public int Refused;
            public byte LastWritten;
            public readonly List<string> Problems = new List<string>();
        }

        private static void Work(GmemLab lab, LabVm vm, LabFile shared, Worker w, Barrier start)
        {
            var random = new Random(1000 + w.Id);
            var own = new List<LabFile>();
            long mine = w.Id * Page;            // this thread's page of the shared file: only it writes there
            start.SignalAndWait();
            for (int i = 0; i < OperationsPerThread; i++)
            {
                try
                {
                    switch (random.Next(12))
                    {
                        case 0:
                            own.Add(lab.CreateFile(vm, TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared));
                            break;
                        case 1:
                            // Both threads bind into the same VM at the same few gpas: one wins, the other is told EEXIST.
                            if (own.Count > 0) lab.Bind(own[random.Next(own.Count)], (ulong)random.Next(1, 4) << 32);
                            break;
                        case 2:
                        {
                            var slot = lab.Memslots.Where(s => s.Vm == vm && s.Slot != 0).OrderBy(_ => random.Next()).FirstOrDefault();
                            if (slot != null) lab.RemoveMemslot(slot);
                            break;
                        }
                        case 3:
                            if (own.Count > 0) lab.CloseFile(own[random.Next(own.Count)]);
                            break;
                        case 4:
                            lab.Allocate(shared, 2 * Page + random.Next(0, 8) * Page, Page);
                            break;
                        case 5:
                            // Punches stay off the threads' own pages, so each thread's data must survive.
                            lab.PunchHole(shared, 2 * Page + random.Next(0, 8) * Page, Page);
                            break;
                        case 6:
                        {
                            byte value = (byte)random.Next(1, 256);
                            lab.HostWrite(shared, mine, new[] { value });
                            w.LastWritten = value;
                            break;
                        }
                        case 7:
                        {
                            byte[] data = lab.HostRead(shared, mine, 1);
                            if (w.LastWritten != 0 && data[0] != w.LastWritten)
                                lock (w.Problems) w.Problems.Add($"thread {w.Id} read {data[0]:x2} back, wrote {w.LastWritten:x2}");
                            break;
                        }
                        case 8:
                        {
                            var result = lab.GuestRead(vm, (ulong)(mine + 8), 1);
                            if (!result.Completed) lock (w.Problems) w.Problems.Add($"thread {w.Id}: guest read of the shared slot: {result}");
                            break;
                        }
                        case 9:
                        {
                            var other = lab.CreateVm(vm.Backend);
                            if (random.Next(2) == 0) lab.CloseVm(other);
                            break;
                        }
                        case 10:
                            // Hostile on purpose: a request the kernel refuses, interleaved with the other thread's.
                            lab.Bind(shared, (ulong)random.Next(1, 4) << 32);
                            break;
                        default:
                            _ = lab.SelectFiles(null).Found.Count + lab.SelectVms(null).Found.Count;
                            break;
                    }
                    Interlocked.Increment(ref w.Succeeded);
                }
                catch (Exception e)
                {
                    string? problem = Unexpected(e);
                    if (problem != null) lock (w.Problems) w.Problems.Add($"thread {w.Id} op {i}: {problem}");
                    else Interlocked.Increment(ref w.Refused);
                }
            }
        }

        [Fact]
        public void Two_threads_on_one_session_each_operation_works_or_is_a_clear_refusal()
        {
            if (Backend == BackendKind.Kvm) KvmAvailability.OpenOrSkip().Dispose();
            var lab = StandardBackendFactory.NewLab();
            var vm = lab.CreateVm(Backend);
            var shared = lab.CreateFile(vm, TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            lab.Bind(shared, 0);
            var workers = new[] { new Worker(0), new Worker(1) };
            var observerProblems = new ConcurrentQueue<string>();
            using var start = new Barrier(3);
            using var done = new CancellationTokenSource();

            var threads = workers.Select(w => new Thread(() => Work(lab, vm, shared, w, start))).ToList();
            var observer = new Thread(() =>
            {
                start.SignalAndWait();
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        var steps = lab.Steps;
                        if (steps.Count > 0) _ = lab.DescribeCall(steps[steps.Count - 1]);
                        _ = lab.ObjectStates();
                        _ = lab.Memslots.Count + lab.Mappings.Count;
                        (lab.Host(Backend) as ISelfCheckingHost)?.CheckInvariants();
                    }
                    catch (Exception e)
                    {
                        observerProblems.Enqueue($"{e.GetType().Name}: {e.Message}");
                    }
                }
            });
            threads.ForEach(t => t.Start());
            observer.Start();
            threads.ForEach(t => t.Join());
            done.Cancel();
            observer.Join();

            Assert.Empty(workers.SelectMany(w => w.Problems));
            Assert.Empty(observerProblems);
            Assert.All(workers, w => Assert.Equal(OperationsPerThread, w.Succeeded + w.Refused));
            Assert.All(workers, w => Assert.True(w.Succeeded > OperationsPerThread / 4, $"thread {w.Id}: only {w.Succeeded} operations worked"));
            Assert.True(workers.Sum(w => w.Refused) > 0, "the threads never collided: the test did not test");

            // The record: one step per operation that reached the lab, numbered in order, each a success or a refusal.
            var recorded = lab.Steps;
            Assert.Equal(Enumerable.Range(0, recorded.Count), recorded.Select(s => s.Index));
            Assert.All(recorded, s => Assert.True(s.Succeeded || s.RuleId != null));
            Assert.DoesNotContain(recorded, s => s.RuleId == GmemLab.InternalError);
            (lab.Host(Backend) as ISelfCheckingHost)?.CheckInvariants();

            // The session's view is the kernel's: each thread's last write is there, every slot it lists deletes,
            // every file it lists open takes a punch, every closed one answers EBADF.
            foreach (var w in workers.Where(w => w.LastWritten != 0))
                Assert.Equal(w.LastWritten, lab.HostRead(shared, w.Id * Page, 1)[0]);
            foreach (var slot in lab.Memslots) lab.RemoveMemslot(slot);
            foreach (var file in lab.Files)
            {
                if (file.State == LabObjectState.Open) lab.PunchHole(file, 0, Page);
                else Assert.Equal(Errno.EBADF, Assert.Throws<GmemException>(() => lab.PunchHole(file, 0, Page)).Errno);
            }
            (lab.Host(Backend) as ISelfCheckingHost)?.CheckInvariants();

            // Disposed under a thread still at work: that thread is told the session is closed, nothing worse.
            var late = new Worker(2);
            using var again = new Barrier(2);
            var worker = new Thread(() =>
            {
                again.SignalAndWait();
                // Until the session closes under it (bounded, so a lab that never refuses fails the test, not hangs it).
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    try
                    {
                        lab.Allocate(shared, 2 * Page, Page);
                        Interlocked.Increment(ref late.Succeeded);
                    }
                    catch (ObjectDisposedException e)
                    {
                        string? id = GmemErrors.Classify(e)?.ErrorId;
                        if (id != "GmemSessionClosed") lock (late.Problems) late.Problems.Add($"a closed session reported as {id}");
                        Interlocked.Increment(ref late.Refused);
                        return;
                    }
                    catch (Exception e)
                    {
                        lock (late.Problems) late.Problems.Add($"{e.GetType().Name}: {e.Message}");
                        return;
                    }
                }
            });
            worker.Start();
            again.SignalAndWait(TestContext.Current.CancellationToken);
            Thread.Sleep(5);
            lab.Dispose();
            worker.Join();
            Assert.Empty(late.Problems);
            Assert.Equal(1, late.Refused);
        }
    }

    public sealed class SimulatorSessionConcurrencyTests : SessionConcurrencyTests
    {
        protected override BackendKind Backend => BackendKind.Simulator;
    }

    public sealed class KvmSessionConcurrencyTests : SessionConcurrencyTests
    {
        protected override BackendKind Backend => BackendKind.Kvm;
    }
}
