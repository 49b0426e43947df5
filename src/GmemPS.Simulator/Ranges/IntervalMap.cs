using System;
using System.Collections;
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
    /// <remarks>
    /// An AVL tree of ranges keyed by Start. Because the ranges are disjoint, their Ends are sorted too, so
    /// "the first range ending after p" is one descent: every lookup, set and clear is O(log n), and an
    /// enumeration of k ranges is O(k log n) without allocating. Edits that keep a range between its
    /// neighbours (trimming, extending into a cleared gap) change the node in place; only a new or vanished
    /// range rebalances the tree.
    /// </remarks>
    public sealed class IntervalMap<T>
    {
        private readonly IEqualityComparer<T> equality;
        private Node? root;
        private int count;

        public IntervalMap(IEqualityComparer<T>? equality = null)
        {
            this.equality = equality ?? EqualityComparer<T>.Default;
        }

        public int Count => count;

        /// <summary>Every range, in order.</summary>
        public Ranges All => new Ranges(this, 0, ulong.MaxValue);

        /// <summary>The ranges that intersect [start, end), unclipped, in order, enumerated without allocating.</summary>
        public Ranges Within(ulong start, ulong end) => new Ranges(this, start, end);

        public bool TryGet(ulong point, out Interval<T> interval)
        {
            var node = FirstEndingAfter(point);
            if (node != null && node.Start <= point)
            {
                interval = node.ToInterval();
                return true;
            }
            interval = default;
            return false;
        }

        public bool Overlaps(ulong start, ulong end)
        {
            if (start >= end) return false;
            var node = FirstEndingAfter(start);
            return node != null && node.Start < end;
        }

        /// <summary>The first range that intersects [start, end), if any.</summary>
        public bool TryGetFirstOverlap(ulong start, ulong end, out Interval<T> interval)
        {
            var node = start < end ? FirstEndingAfter(start) : null;
            if (node != null && node.Start < end)
            {
                interval = node.ToInterval();
                return true;
            }
            interval = default;
            return false;
        }

        /// <summary>The ranges that intersect [start, end), unclipped, in order.</summary>
        public List<Interval<T>> Overlapping(ulong start, ulong end)
        {
            var result = new List<Interval<T>>();
            foreach (var interval in Within(start, end)) result.Add(interval);
            return result;
        }

        /// <summary>How many keys of [start, end) are covered.</summary>
        public ulong Covered(ulong start, ulong end)
        {
            ulong total = 0;
            foreach (var interval in Within(start, end))
                total += Math.Min(end, interval.End) - Math.Max(start, interval.Start);
            return total;
        }

        /// <summary>Gives [start, end) the value, replacing whatever was there.</summary>
        public void Set(ulong start, ulong end, T value)
        {
            if (start >= end) return;
            Clear(start, end);
            // [start, end) is empty now: the range just below it ends at or before start, the one above starts at or after end.
            var below = LastEndingAtOrBefore(start);
            var above = FirstEndingAfter(start);
            bool joinBelow = below != null && below.End == start && equality.Equals(below.Value, value);
            bool joinAbove = above != null && above.Start == end && equality.Equals(above.Value, value);
            if (joinBelow && joinAbove)
            {
                ulong merged = above!.End;
                Remove(above);
                below!.End = merged;
            }
            else if (joinBelow) below!.End = end;
            else if (joinAbove) above!.Start = start;
            else Insert(new Node(start, end, value));
        }

        /// <summary>Removes [start, end), splitting ranges that straddle its edges.</summary>
        public void Clear(ulong start, ulong end)
        {
            if (start >= end) return;
            var node = FirstEndingAfter(start);
            if (node == null || node.Start >= end) return;
            if (node.Start < start)
            {
                if (node.End > end)
                {
                    // One range holds all of [start, end): it splits in two.
                    var tail = new Node(end, node.End, node.Value);
                    node.End = start;
                    Insert(tail);
                    return;
                }
                node.End = start;
                node = FirstEndingAfter(start);
            }
            while (node != null && node.Start < end)
            {
                if (node.End > end)
                {
                    node.Start = end; // the last range straddles end: it keeps its part above
                    return;
                }
                Remove(node);
                node = FirstEndingAfter(start);
            }
        }

        /// <summary>The tree's height (0 when empty): at most about 1.44 log2(Count + 2) for an AVL tree.</summary>
        internal int Height => HeightOf(root);

        /// <summary>
        /// Throws unless the tree is a valid AVL tree of disjoint, non-empty, maximally merged ranges in order,
        /// holding exactly <see cref="Count"/> of them (for tests).
        /// </summary>
        internal void CheckStructure()
        {
            int seen = 0;
            Node? previous = null;
            CheckSubtree(root, ref previous, ref seen);
            if (seen != count) throw new InvalidOperationException($"IntervalMap: {seen} nodes but Count {count}");
        }

        // ---- search ----

        /// <summary>The first range whose End is above point: ends are sorted because the ranges are disjoint.</summary>
        private Node? FirstEndingAfter(ulong point)
        {
            Node? best = null;
            for (var node = root; node != null;)
            {
                if (node.End > point)
                {
                    best = node;
                    node = node.Left;
                }
                else node = node.Right;
            }
            return best;
        }

        /// <summary>The last range whose End is at or below point.</summary>
        private Node? LastEndingAtOrBefore(ulong point)
        {
            Node? best = null;
            for (var node = root; node != null;)
            {
                if (node.End <= point)
                {
                    best = node;
                    node = node.Right;
                }
                else node = node.Left;
            }
            return best;
        }

        // ---- AVL insert and remove (by Start; starts are unique) ----

        private void Insert(Node node)
        {
            root = InsertInto(root, node);
            count++;
        }

        private void Remove(Node node)
        {
            root = RemoveFrom(root!, node.Start);
            node.Left = node.Right = null;
            count--;
        }

        private static Node InsertInto(Node? subtree, Node node)
        {
            if (subtree == null) return node;
            if (node.Start < subtree.Start) subtree.Left = InsertInto(subtree.Left, node);
            else subtree.Right = InsertInto(subtree.Right, node);
            return Rebalance(subtree);
        }

        /// <summary>Unlinks the node with this Start. Nodes are relinked, never copied, so a caller's node stays itself.</summary>
        private static Node? RemoveFrom(Node subtree, ulong start)
        {
            if (start < subtree.Start) subtree.Left = RemoveFrom(subtree.Left!, start);
            else if (start > subtree.Start) subtree.Right = RemoveFrom(subtree.Right!, start);
            else
            {
                if (subtree.Left == null) return subtree.Right;
                if (subtree.Right == null) return subtree.Left;
                var rest = RemoveSmallest(subtree.Right, out var successor);
                successor.Left = subtree.Left;
                successor.Right = rest;
                return Rebalance(successor);
            }
            return Rebalance(subtree);
        }

        private static Node? RemoveSmallest(Node subtree, out Node smallest)
        {
            if (subtree.Left == null)
            {
                smallest = subtree;
                return subtree.Right;
            }
            subtree.Left = RemoveSmallest(subtree.Left, out smallest);
            return Rebalance(subtree);
        }

        private static int HeightOf(Node? node) => node == null ? 0 : node.Height;

        private static void UpdateHeight(Node node) => node.Height = Math.Max(HeightOf(node.Left), HeightOf(node.Right)) + 1;

        private static Node Rebalance(Node node)
        {
            int balance = HeightOf(node.Left) - HeightOf(node.Right);
            if (balance > 1)
            {
                if (HeightOf(node.Left!.Left) < HeightOf(node.Left.Right)) node.Left = RotateLeft(node.Left);
                return RotateRight(node);
            }
            if (balance < -1)
            {
                if (HeightOf(node.Right!.Right) < HeightOf(node.Right.Left)) node.Right = RotateRight(node.Right);
                return RotateLeft(node);
            }
            UpdateHeight(node);
            return node;
        }

        private static Node RotateRight(Node node)
        {
            var left = node.Left!;
            node.Left = left.Right;
            left.Right = node;
            UpdateHeight(node);
            UpdateHeight(left);
            return left;
        }

        private static Node RotateLeft(Node node)
        {
            var right = node.Right!;
            node.Right = right.Left;
            right.Left = node;
            UpdateHeight(node);
            UpdateHeight(right);
            return right;
        }

        private void CheckSubtree(Node? node, ref Node? previous, ref int seen)
        {
            if (node == null) return;
            CheckSubtree(node.Left, ref previous, ref seen);
            if (node.Start >= node.End) throw new InvalidOperationException($"IntervalMap: empty range [{node.Start}, {node.End})");
            if (previous != null)
            {
                if (previous.End > node.Start) throw new InvalidOperationException($"IntervalMap: [{previous.Start}, {previous.End}) overlaps or precedes [{node.Start}, {node.End})");
                if (previous.End == node.Start && equality.Equals(previous.Value, node.Value))
                    throw new InvalidOperationException($"IntervalMap: adjacent equal ranges at {node.Start} are not merged");
            }
            previous = node;
            seen++;
            CheckSubtree(node.Right, ref previous, ref seen);
            int left = HeightOf(node.Left), right = HeightOf(node.Right);
            if (node.Height != Math.Max(left, right) + 1 || Math.Abs(left - right) > 1)
                throw new InvalidOperationException($"IntervalMap: node at {node.Start} has height {node.Height} over subtrees of {left} and {right}");
        }

        private sealed class Node
        {
            public Node(ulong start, ulong end, T value)
            {
                Start = start;
                End = end;
                Value = value;
            }

            public ulong Start;
            public ulong End;
            public readonly T Value;
            public Node? Left;
            public Node? Right;
            public int Height = 1;

            public Interval<T> ToInterval() => new Interval<T>(Start, End, Value);
        }

        /// <summary>
        /// The ranges meeting [start, end), in order. Each step is a fresh descent from the last End seen, so
        /// enumerating allocates nothing, and a map changed between steps just continues above that End.
        /// </summary>
        public readonly struct Ranges : IEnumerable<Interval<T>>
        {
            private readonly IntervalMap<T> map;
            private readonly ulong start;
            private readonly ulong end;

            internal Ranges(IntervalMap<T> map, ulong start, ulong end)
            {
                this.map = map;
                this.start = start;
                this.end = end;
            }

            public Enumerator GetEnumerator() => new Enumerator(map, start, end);
            IEnumerator<Interval<T>> IEnumerable<Interval<T>>.GetEnumerator() => GetEnumerator();
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }

        public struct Enumerator : IEnumerator<Interval<T>>
        {
            private readonly IntervalMap<T> map;
            private readonly ulong start;
            private readonly ulong end;
            private ulong next;
            private bool finished;

            internal Enumerator(IntervalMap<T> map, ulong start, ulong end)
            {
                this.map = map;
                this.start = start;
                this.end = end;
                next = start;
                finished = start >= end;
                Current = default;
            }

            public Interval<T> Current { get; private set; }
            object IEnumerator.Current => Current;

            public bool MoveNext()
            {
                if (finished) return false;
                var node = map.FirstEndingAfter(next);
                if (node == null || node.Start >= end)
                {
                    finished = true;
                    return false;
                }
                Current = node.ToInterval();
                // Nothing can end above ulong.MaxValue, so a range ending there is the last one.
                if (node.End == ulong.MaxValue) finished = true;
                else next = node.End;
                return true;
            }

            public void Reset()
            {
                next = start;
                finished = start >= end;
            }

            public void Dispose() { }
        }
    }
}
