using System.Collections.Generic;
using System.Linq;

namespace GmemPS.Events
{
    /// <summary>
    /// The events a backend saw, numbered from 1. A bounded ring: a million events keep only the newest
    /// <see cref="Capacity"/>, while the per-kind counts cover everything ever appended.
    /// </summary>
    public sealed class EventLog
    {
        public const int DefaultCapacity = 65536;

        private readonly object gate = new object();
        private readonly GmemEvent?[] ring;
        private readonly Dictionary<string, long> countsByKind = new Dictionary<string, long>();
        private long appended;

        public EventLog(int capacity = DefaultCapacity)
        {
            ring = new GmemEvent?[capacity];
        }

        public int Capacity => ring.Length;

        /// <summary>Events ever appended; the newest has this sequence number.</summary>
        public long TotalAppended { get { lock (gate) return appended; } }

        public void Append(GmemEvent e)
        {
            lock (gate)
            {
                e.Sequence = ++appended;
                ring[(int)((e.Sequence - 1) % ring.Length)] = e;
                countsByKind.TryGetValue(e.Kind, out long n);
                countsByKind[e.Kind] = n + 1;
            }
        }

        /// <summary>The retained events with a sequence number above <paramref name="afterSequence"/>, oldest first.</summary>
        public IReadOnlyList<GmemEvent> Since(long afterSequence = 0)
        {
            lock (gate)
            {
                long first = System.Math.Max(afterSequence + 1, appended - ring.Length + 1);
                var result = new List<GmemEvent>((int)System.Math.Max(0, appended - first + 1));
                for (long seq = first; seq <= appended; seq++) result.Add(ring[(int)((seq - 1) % ring.Length)]!);
                return result;
            }
        }

        public IReadOnlyDictionary<string, long> CountsByKind
        {
            get { lock (gate) return countsByKind.ToDictionary(kv => kv.Key, kv => kv.Value); }
        }
    }
}
