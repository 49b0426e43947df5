using System;
using System.Collections.Generic;
using System.Threading;

namespace GmemPS.Events
{
    /// <summary>Sequence numbers shared by the logs of one session, so its events of every backend are one order.</summary>
    public sealed class EventSequence
    {
        private long last;

        internal long Next() => Interlocked.Increment(ref last);
    }

    /// <summary>
    /// The events a backend saw, numbered from 1 (or from a session's shared <see cref="EventSequence"/>). A bounded ring: a million events keep only the newest
    /// <see cref="Capacity"/>, while the per-kind counts cover everything ever appended. Its memory is the
    /// ring plus one counter per kind, however many events come.
    /// </summary>
    public sealed class EventLog
    {
        public const int DefaultCapacity = 65536;

        /// <summary>
        /// 1 while a thread is inside. Every critical section here is a few stores or one copy of the ring, so a
        /// compare-exchange is enough; a Monitor costs about 20 ns per append on Linux (its thread lookup), as much
        /// as the rest of a simulated fallocate.
        /// </summary>
        private int busy;
        private readonly GmemEvent?[] ring;
        /// <summary>Counted by the event's type (a pointer compare, where a kind name would be hashed on every append).</summary>
        private readonly Dictionary<Type, Counter> countsByType = new Dictionary<Type, Counter>();
        /// <summary>Operations emit runs of one or two kinds (a punch: Invalidated, PagesFreed): the two counters used last are checked before the dictionary.</summary>
        private Counter? lastCounter;
        private Counter? previousCounter;
        private long appended;
        private EventSequence? sequence;

        public EventLog(int capacity = DefaultCapacity)
        {
            ring = new GmemEvent?[capacity];
        }

        public int Capacity => ring.Length;

        /// <summary>
        /// From now on, number events from <paramref name="shared"/> (a lab gives every host it opens the same
        /// one). Numbers stay increasing in this log, so <see cref="Since"/> keeps working.
        /// </summary>
        public void NumberFrom(EventSequence shared)
        {
            Enter();
            try { sequence = shared; }
            finally { Exit(); }
        }

        /// <summary>Events ever appended; without a shared sequence the newest has this sequence number.</summary>
        public long TotalAppended
        {
            get
            {
                Enter();
                try { return appended; }
                finally { Exit(); }
            }
        }

        public void Append(GmemEvent e)
        {
            Enter();
            try
            {
                e.Sequence = sequence?.Next() ?? appended + 1;
                ring[(int)(appended % ring.Length)] = e;
                appended++;
                var type = e.GetType();
                var counter = lastCounter;
                if (counter == null || !ReferenceEquals(counter.Type, type))
                {
                    counter = previousCounter;
                    if (counter == null || !ReferenceEquals(counter.Type, type))
                        if (!countsByType.TryGetValue(type, out counter)) countsByType[type] = counter = new Counter(type, e.Kind);
                    previousCounter = lastCounter;
                    lastCounter = counter;
                }
                counter.Value++;
            }
            finally { Exit(); }
        }

        /// <summary>The retained events with a sequence number above <paramref name="afterSequence"/>, oldest first.</summary>
        public IReadOnlyList<GmemEvent> Since(long afterSequence = 0)
        {
            Enter();
            try
            {
                long first = FirstAfter(afterSequence);
                var result = new List<GmemEvent>((int)System.Math.Max(0, appended - first));
                for (long n = first; n < appended; n++) result.Add(At(n));
                return result;
            }
            finally { Exit(); }
        }

        public IReadOnlyDictionary<string, long> CountsByKind
        {
            get
            {
                Enter();
                try
                {
                    var counts = new Dictionary<string, long>();
                    foreach (var counter in countsByType.Values)
                    {
                        counts.TryGetValue(counter.Kind, out long n);
                        counts[counter.Kind] = n + counter.Value;
                    }
                    return counts;
                }
                finally { Exit(); }
            }
        }

        /// <summary>The append index (0-based, among those retained) of the first event numbered above <paramref name="afterSequence"/>.</summary>
        private long FirstAfter(long afterSequence)
        {
            long low = System.Math.Max(0, appended - ring.Length), high = appended;
            while (low < high)
            {
                long mid = low + (high - low) / 2;
                if (At(mid).Sequence <= afterSequence) low = mid + 1;
                else high = mid;
            }
            return low;
        }

        private GmemEvent At(long index) => ring[(int)(index % ring.Length)]!;

        private void Enter()
        {
            if (Interlocked.CompareExchange(ref busy, 1, 0) == 0) return;
            var spin = new SpinWait();
            while (Volatile.Read(ref busy) != 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0) spin.SpinOnce();
        }

        private void Exit() => Volatile.Write(ref busy, 0);

        private sealed class Counter
        {
            public Counter(Type type, string kind)
            {
                Type = type;
                Kind = kind;
            }

            public Type Type { get; }
            public string Kind { get; }
            public long Value;
        }
    }
}
