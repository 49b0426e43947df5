using System;
using System.Collections.Generic;

namespace GmemPS.Simulator.Ranges
{
    /// <summary>A half-open range [Start, End) carrying a value.</summary>
    public readonly record struct Interval<T>(ulong Start, ulong End, T Value)
    {
        public ulong Length => End - Start;
    }

    /// <summary>
    /// Disjoint half-open ranges over ulong keys (pages or gfns), each with a value; adjacent ranges with
    /// equal values merge. Memory grows with the number of distinct ranges, never with the span covered,
    /// which is how a 1 TiB file or 32,764 slots stay cheap.
    /// </summary>
    public sealed class IntervalMap<T>
    {
        private readonly List<Interval<T>> items = new List<Interval<T>>();
        private readonly IEqualityComparer<T> equality;

        public IntervalMap(IEqualityComparer<T>? equality = null)
        {
            this.equality = equality ?? EqualityComparer<T>.Default;
        }

        public int Count => items.Count;

        public IReadOnlyList<Interval<T>> All => items;

        public bool TryGet(ulong point, out Interval<T> interval)
        {
            int i = FirstEndingAfter(point);
            if (i < items.Count && items[i].Start <= point)
            {
                interval = items[i];
                return true;
            }
            interval = default;
            return false;
        }

        public bool Overlaps(ulong start, ulong end)
        {
            if (start >= end) return false;
            int i = FirstEndingAfter(start);
            return i < items.Count && items[i].Start < end;
        }

        /// <summary>The ranges that intersect [start, end), unclipped, in order.</summary>
        public List<Interval<T>> Overlapping(ulong start, ulong end)
        {
            var result = new List<Interval<T>>();
            if (start >= end) return result;
            for (int i = FirstEndingAfter(start); i < items.Count && items[i].Start < end; i++) result.Add(items[i]);
            return result;
        }

        /// <summary>How many keys of [start, end) are covered.</summary>
        public ulong Covered(ulong start, ulong end)
        {
            ulong total = 0;
            if (start >= end) return 0;
            for (int i = FirstEndingAfter(start); i < items.Count && items[i].Start < end; i++)
                total += Math.Min(end, items[i].End) - Math.Max(start, items[i].Start);
            return total;
        }

        /// <summary>Gives [start, end) the value, replacing whatever was there.</summary>
        public void Set(ulong start, ulong end, T value)
        {
            if (start >= end) return;
            int at = ClearAndLocate(start, end);
            var merged = new Interval<T>(start, end, value);
            if (at > 0 && items[at - 1].End == start && equality.Equals(items[at - 1].Value, value))
            {
                merged = merged with { Start = items[at - 1].Start };
                items.RemoveAt(--at);
            }
            if (at < items.Count && items[at].Start == end && equality.Equals(items[at].Value, value))
            {
                merged = merged with { End = items[at].End };
                items.RemoveAt(at);
            }
            items.Insert(at, merged);
        }

        /// <summary>Removes [start, end), splitting ranges that straddle its edges.</summary>
        public void Clear(ulong start, ulong end)
        {
            if (start < end) ClearAndLocate(start, end);
        }

        /// <summary>Clears [start, end) and returns the index where a range starting at start belongs.</summary>
        private int ClearAndLocate(ulong start, ulong end)
        {
            int first = FirstEndingAfter(start);
            int last = first;
            while (last < items.Count && items[last].Start < end) last++;
            if (first == last) return first;
            var head = items[first];
            var tail = items[last - 1];
            items.RemoveRange(first, last - first);
            int at = first;
            if (head.Start < start) items.Insert(at++, head with { End = start });
            if (tail.End > end) items.Insert(at, tail with { Start = end });
            return at;
        }

        /// <summary>Index of the first range whose End is above point (binary search).</summary>
        private int FirstEndingAfter(ulong point)
        {
            int lo = 0, hi = items.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (items[mid].End <= point) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }
}
