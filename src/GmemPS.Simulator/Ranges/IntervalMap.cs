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
    /// A B+ tree. Leaves hold up to <c>capacity</c> ranges in sorted arrays and are chained in order; a branch
    /// holds up to <c>capacity</c> children and, for each, the End of the last range below it. Because the
    /// ranges are disjoint their Ends are sorted too, so "the first range ending after p" is one descent that
    /// scans a few short arrays: lookups, sets and clears are O(log n), and stepping to the next range is O(1).
    /// Every node but the root stays at least a quarter full, so the tree is shallow and compact (about 40 bytes
    /// per range) however ranges arrive or leave.
    /// </remarks>
    public sealed class IntervalMap<T>
    {
        private const int DefaultCapacity = 32;
        private const int DeepestPath = 32; // 2^32 ranges need fewer levels than this even at the minimum fan-out of 2

        private readonly IEqualityComparer<T> equality;
        private readonly int capacity;
        private readonly int leafMinimum;
        private readonly int branchMinimum;
        /// <summary>A Leaf when height is 0, else a Branch; null while the map has never held a range.</summary>
        private object? root;
        /// <summary>Branch levels above the leaves.</summary>
        private int height;
        private int count;
        /// <summary>Bumped by every change, so an enumerator knows whether its place in a leaf is still good.</summary>
        private int version;
        /// <summary>The branches the last <see cref="Locate"/> went through, root first, and the child taken in each.</summary>
        private readonly Branch[] pathBranches = new Branch[DeepestPath];
        private readonly int[] pathSlots = new int[DeepestPath];
        /// <summary>Bumped whenever nodes split, merge, share or the root changes: a remembered leaf or path is good only while it stays.</summary>
        private long shape;
        /// <summary>
        /// The leaf the last descent of <see cref="Locate"/> reached (the path arrays lead to it) and of <see cref="Find"/>.
        /// Scripts walk ranges in order, so the next key usually lands in the same leaf: then no descent is needed.
        /// </summary>
        private Leaf? pathLeaf;
        private long pathShape = -1;
        private Leaf? foundLeaf;
        private long foundShape = -1;

        public IntervalMap(IEqualityComparer<T>? equality = null) : this(equality, DefaultCapacity) { }

        /// <summary>For tests: a small capacity makes a few dozen ranges build a deep tree.</summary>
        internal IntervalMap(IEqualityComparer<T>? equality, int capacity)
        {
            if (capacity < 4) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least 4");
            this.equality = equality ?? EqualityComparer<T>.Default;
            this.capacity = capacity;
            leafMinimum = Math.Max(1, capacity / 4);
            branchMinimum = Math.Max(2, capacity / 4);
        }

        public int Count => count;

        /// <summary>Every range, in order.</summary>
        public Ranges All => new Ranges(this, 0, ulong.MaxValue);

        /// <summary>The ranges that intersect [start, end), unclipped, in order, enumerated without allocating.</summary>
        public Ranges Within(ulong start, ulong end) => new Ranges(this, start, end);

        public bool TryGet(ulong point, out Interval<T> interval)
        {
            if (Find(point, out var leaf, out int i) && leaf.Start(i) <= point)
            {
                interval = leaf.At(i);
                return true;
            }
            interval = default;
            return false;
        }

        public bool Overlaps(ulong start, ulong end) =>
            start < end && Find(start, out var leaf, out int i) && leaf.Start(i) < end;

        /// <summary>The first range that intersects [start, end), if any.</summary>
        public bool TryGetFirstOverlap(ulong start, ulong end, out Interval<T> interval)
        {
            if (start < end && Find(start, out var leaf, out int i) && leaf.Start(i) < end)
            {
                interval = leaf.At(i);
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

        /// <summary>Gives [start, end) the value, replacing whatever was there; returns how many of its keys were covered before.</summary>
        public ulong Set(ulong start, ulong end, T value)
        {
            if (start >= end) return 0;
            ulong covered = 0;
            var (leaf, i) = Locate(start);
            if (i < leaf.Count && leaf.Start(i) < end)
            {
                // Already so: one range with this value holds all of [start, end).
                if (leaf.Start(i) <= start && leaf.End(i) >= end && equality.Equals(leaf.Value(i), value)) return end - start;
                covered = Clear(start, end);
                (leaf, i) = Locate(start);
            }
            // [start, end) is empty: the range at (leaf, i), if any, starts at or after end; the one before it ends at or before start.
            bool joinAbove = i < leaf.Count && leaf.Start(i) == end && equality.Equals(leaf.Value(i), value);
            Leaf? belowLeaf = i > 0 ? leaf : leaf.Previous;
            int below = i > 0 ? i - 1 : (belowLeaf?.Count ?? 0) - 1;
            bool joinBelow = belowLeaf != null && belowLeaf.End(below) == start && equality.Equals(belowLeaf.Value(below), value);
            if (joinBelow)
            {
                ulong newEnd = end;
                if (joinAbove)
                {
                    newEnd = leaf.End(i);
                    RemoveRange(leaf, i, 1);
                }
                // The range below ends at start > 0; after a removal the tree may have moved it, so find it again.
                if (joinAbove || !ReferenceEquals(belowLeaf, leaf)) (belowLeaf, below) = Locate(start - 1);
                SetEnd(belowLeaf!, below, newEnd);
            }
            else if (joinAbove)
            {
                leaf.Items[i].Start = start; // the cleared gap lies between it and the range below: the order holds
                version++;
            }
            else Insert(leaf, i, start, end, value);
            return covered;
        }

        /// <summary>Removes [start, end), splitting ranges that straddle its edges; returns how many of its keys were covered.</summary>
        public ulong Clear(ulong start, ulong end)
        {
            if (start >= end) return 0;
            var (leaf, i) = Locate(start);
            if (i == leaf.Count || leaf.Start(i) >= end) return 0;
            ulong removed = 0;
            if (leaf.Start(i) < start)
            {
                ulong oldEnd = leaf.End(i);
                if (oldEnd > end)
                {
                    // One range holds all of [start, end): it splits in two.
                    SetEnd(leaf, i, start);
                    Insert(leaf, i + 1, end, oldEnd, leaf.Value(i));
                    return end - start;
                }
                SetEnd(leaf, i, start);
                removed = oldEnd - start;
                (leaf, i) = Locate(start);
            }
            while (i < leaf.Count && leaf.Start(i) < end)
            {
                // Whole ranges inside [start, end) leave a leaf at a time; the last may straddle end.
                int last = i;
                while (last < leaf.Count && leaf.End(last) <= end)
                {
                    removed += leaf.End(last) - leaf.Start(last);
                    last++;
                }
                if (last > i)
                {
                    RemoveRange(leaf, i, last - i);
                    (leaf, i) = Locate(start);
                    continue;
                }
                removed += end - leaf.Start(i);
                leaf.Items[i].Start = end; // it keeps its part above end
                version++;
                break;
            }
            return removed;
        }

        /// <summary>Levels of the tree, leaves included (0 when empty).</summary>
        internal int Depth => root == null ? 0 : height + 1;

        /// <summary>
        /// Throws unless the tree is a valid B+ tree — leaves all at one depth, nodes within their fill bounds,
        /// every branch key the exact last End below it, the leaf chain in order — of disjoint, non-empty,
        /// maximally merged ranges, exactly <see cref="Count"/> of them (for tests).
        /// </summary>
        internal void CheckStructure()
        {
            if (root == null)
            {
                if (count != 0) throw Broken($"no root but Count {count}");
                return;
            }
            var leaves = new List<Leaf>();
            CollectLeaves(root, height, isRoot: true, leaves);
            int seen = 0;
            Leaf? previousLeaf = null;
            ulong previousEnd = 0;
            T previousValue = default!;
            foreach (var leaf in leaves)
            {
                if (!ReferenceEquals(leaf.Previous, previousLeaf) || (previousLeaf != null && !ReferenceEquals(previousLeaf.Next, leaf)))
                    throw Broken("the leaf chain does not follow the tree's order");
                for (int i = 0; i < leaf.Count; i++, seen++)
                {
                    if (leaf.Start(i) >= leaf.End(i)) throw Broken($"empty range [{leaf.Start(i)}, {leaf.End(i)})");
                    if (seen > 0 && previousEnd > leaf.Start(i)) throw Broken($"a range ending at {previousEnd} overlaps or follows [{leaf.Start(i)}, {leaf.End(i)})");
                    if (seen > 0 && previousEnd == leaf.Start(i) && equality.Equals(previousValue, leaf.Value(i)))
                        throw Broken($"adjacent equal ranges at {leaf.Start(i)} are not merged");
                    previousEnd = leaf.End(i);
                    previousValue = leaf.Value(i);
                }
                for (int i = leaf.Count; i < leaf.Items.Length; i++)
                    if (!equality.Equals(leaf.Value(i), default!) && leaf.Value(i) is object) throw Broken("a leaf keeps a value past its count alive");
                previousLeaf = leaf;
            }
            if (previousLeaf?.Next != null) throw Broken("the last leaf has a successor");
            if (seen != count) throw Broken($"{seen} ranges but Count {count}");
        }

        // ---- search ----

        /// <summary>The first range whose End is above point (ends are sorted because the ranges are disjoint).</summary>
        private bool Find(ulong point, out Leaf leaf, out int index)
        {
            var remembered = foundShape == shape && Holds(foundLeaf!, point) ? foundLeaf
                : pathShape == shape && Holds(pathLeaf!, point) ? pathLeaf
                : null;
            if (remembered != null)
            {
                leaf = remembered;
                index = leaf.FirstEndingAfter(point);
                return index < leaf.Count;
            }
            var node = root;
            for (int level = height; level > 0; level--)
            {
                var branch = (Branch)node!;
                int i = branch.FirstEndingAfter(point);
                if (i == branch.Count)
                {
                    leaf = null!;
                    index = 0;
                    return false;
                }
                node = branch.Items[i];
            }
            leaf = (Leaf?)node!;
            if (leaf == null)
            {
                index = 0;
                return false;
            }
            foundLeaf = leaf;
            foundShape = shape;
            index = leaf.FirstEndingAfter(point);
            return index < leaf.Count;
        }

        /// <summary>
        /// Whether the first range ending above point is in this leaf (or, for the last leaf, that none is): nothing
        /// before it ends above point, and it is the last leaf or its own last range does.
        /// </summary>
        private static bool Holds(Leaf leaf, ulong point) =>
            (leaf.Previous == null || leaf.Previous.LastEnd <= point) && (leaf.Next == null || leaf.LastEnd > point);

        /// <summary>
        /// Like <see cref="Find"/>, remembering the path for a change: the leaf and index of the first range ending
        /// above point, or the last leaf and its count (where a range would be appended) when there is none.
        /// </summary>
        private (Leaf Leaf, int Index) Locate(ulong point)
        {
            if (pathShape == shape && Holds(pathLeaf!, point)) return (pathLeaf!, pathLeaf!.FirstEndingAfter(point));
            if (root == null)
            {
                root = new Leaf(Math.Min(4, capacity));
                shape++;
            }
            var node = root;
            for (int level = 0; level < height; level++)
            {
                var branch = (Branch)node;
                int i = Math.Min(branch.FirstEndingAfter(point), branch.Count - 1);
                pathBranches[level] = branch;
                pathSlots[level] = i;
                node = branch.Items[i];
            }
            var leaf = (Leaf)node;
            pathLeaf = leaf;
            pathShape = shape;
            return (leaf, leaf.FirstEndingAfter(point));
        }

        // ---- changes (each uses the path of the Locate that found its leaf) ----

        private void SetEnd(Leaf leaf, int index, ulong end)
        {
            leaf.Keys[index] = end;
            version++;
            if (index == leaf.Count - 1) RefreshKeys(height - 1);
        }

        /// <summary>After the node at path level+1 changed its last End: every key from branch <paramref name="level"/> up.</summary>
        private void RefreshKeys(int level)
        {
            for (int d = level; d >= 0; d--)
                pathBranches[d].Keys[pathSlots[d]] = d == height - 1 ? LastEnd(pathBranches[d].Items[pathSlots[d]]) : pathBranches[d + 1].LastEnd;
        }

        private static ulong LastEnd(object node) => node is Leaf leaf ? leaf.LastEnd : ((Branch)node).LastEnd;

        private void Insert(Leaf leaf, int index, ulong start, ulong end, T value)
        {
            count++;
            version++;
            if (leaf.Count < capacity)
            {
                leaf.Reserve(capacity);
                leaf.InsertAt(index, start, end, value);
                if (index == leaf.Count - 1) RefreshKeys(height - 1);
                return;
            }
            // A full leaf splits. Appending to the last leaf (ranges arriving in order) leaves the left one nearly full.
            shape++;
            bool appending = index == leaf.Count && leaf.Next == null;
            int keep = appending ? capacity - leafMinimum : capacity / 2;
            var right = new Leaf(capacity);
            leaf.MoveTail(keep, right);
            right.Next = leaf.Next;
            if (right.Next != null) right.Next.Previous = right;
            right.Previous = leaf;
            leaf.Next = right;
            if (index <= keep) leaf.InsertAt(index, start, end, value);
            else right.InsertAt(index - keep, start, end, value);
            AddChild(height - 1, leaf, right);
        }

        /// <summary>A node at path level+1 split into left (in place) and right: right goes into branch <paramref name="level"/> after left.</summary>
        private void AddChild(int level, object left, object right)
        {
            if (level < 0)
            {
                var newRoot = new Branch(capacity);
                newRoot.InsertAt(0, LastEnd(left), left);
                newRoot.InsertAt(1, LastEnd(right), right);
                root = newRoot;
                height++;
                return;
            }
            var branch = pathBranches[level];
            int slot = pathSlots[level];
            branch.Keys[slot] = LastEnd(left);
            if (branch.Count < capacity)
            {
                branch.InsertAt(slot + 1, LastEnd(right), right);
                RefreshKeys(level - 1);
                return;
            }
            int keep = capacity / 2;
            var sibling = new Branch(capacity);
            branch.MoveTail(keep, sibling);
            if (slot + 1 <= keep) branch.InsertAt(slot + 1, LastEnd(right), right);
            else sibling.InsertAt(slot + 1 - keep, LastEnd(right), right);
            AddChild(level - 1, branch, sibling);
        }

        private void RemoveRange(Leaf leaf, int index, int n)
        {
            leaf.RemoveAt(index, n);
            count -= n;
            version++;
            if (height == 0) return; // a root leaf may hold anything down to nothing
            if (leaf.Count >= leafMinimum) RefreshKeys(height - 1);
            else Refill(height - 1);
        }

        /// <summary>
        /// The child that the path takes from branch <paramref name="level"/> is underfull: it merges with a neighbour
        /// when both fit in one node (and the branch, one child short, may need the same), else they share evenly.
        /// </summary>
        private void Refill(int level)
        {
            shape++;
            var parent = pathBranches[level];
            int slot = pathSlots[level];
            int leftSlot = slot + 1 < parent.Count ? slot : slot - 1;
            bool merged = parent.Items[leftSlot] is Leaf leftLeaf
                ? Pair(parent, leftSlot, leftLeaf, (Leaf)parent.Items[leftSlot + 1])
                : Pair(parent, leftSlot, (Branch)parent.Items[leftSlot], (Branch)parent.Items[leftSlot + 1]);
            if (!merged) RefreshKeys(level - 1);
            else if (level == 0)
            {
                if (parent.Count == 1)
                {
                    root = parent.Items[0]; // the root is left with one child: that child is the root
                    height--;
                }
            }
            else if (parent.Count >= branchMinimum) RefreshKeys(level - 1);
            else Refill(level - 1);
        }

        /// <summary>Merges right into left (true) or evens them out (false); the parent's keys follow.</summary>
        private bool Pair<TItem>(Branch parent, int leftSlot, Node<TItem> left, Node<TItem> right)
        {
            if (left.Count + right.Count <= capacity)
            {
                left.Reserve(capacity);
                right.MoveTail(0, left);
                if (left is Leaf leftLeaf)
                {
                    leftLeaf.Next = ((Leaf)(object)right).Next;
                    if (leftLeaf.Next != null) leftLeaf.Next.Previous = leftLeaf;
                }
                parent.Keys[leftSlot] = left.LastEnd;
                parent.RemoveAt(leftSlot + 1, 1);
                return true;
            }
            if (left.Count < right.Count) right.MoveHead((right.Count - left.Count) / 2, left);
            else left.MoveTailToFront(left.Count - (left.Count - right.Count) / 2, right);
            parent.Keys[leftSlot] = left.LastEnd;
            parent.Keys[leftSlot + 1] = right.LastEnd;
            return false;
        }

        private void CollectLeaves(object node, int level, bool isRoot, List<Leaf> leaves)
        {
            if (level == 0)
            {
                if (!(node is Leaf leaf)) throw Broken("a branch where a leaf belongs: leaves are not all at one depth");
                if (!isRoot && (leaf.Count < leafMinimum || leaf.Count > capacity)) throw Broken($"a leaf holds {leaf.Count} ranges, outside [{leafMinimum}, {capacity}]");
                leaves.Add(leaf);
                return;
            }
            if (!(node is Branch branch)) throw Broken("a leaf where a branch belongs: leaves are not all at one depth");
            if (branch.Count > capacity || branch.Count < (isRoot ? 2 : branchMinimum)) throw Broken($"a branch holds {branch.Count} children");
            for (int i = 0; i < branch.Count; i++)
            {
                CollectLeaves(branch.Items[i], level - 1, isRoot: false, leaves);
                if (branch.Keys[i] != LastEnd(branch.Items[i])) throw Broken($"a branch key {branch.Keys[i]} is not the last End {LastEnd(branch.Items[i])} below it");
            }
            for (int i = branch.Count; i < branch.Items.Length; i++)
                if (branch.Items[i] != null) throw Broken("a branch keeps a child past its count alive");
        }

        private static InvalidOperationException Broken(string what) => new InvalidOperationException("IntervalMap: " + what);

        // ---- nodes ----

        /// <summary>The first index below count whose key is above point (count if none): a binary search of a sorted array.</summary>
        private static int FirstAbove(ulong[] keys, int count, ulong point)
        {
            int low = 0, high = count;
            while (low < high)
            {
                int middle = (low + high) >> 1;
                if (keys[middle] <= point) low = middle + 1;
                else high = middle;
            }
            return low;
        }

        /// <summary>
        /// A node: sorted keys and an item per key. In a leaf the key is a range's End and the item its Start and
        /// value; in a branch the key is the End of the last range under the item, a child node.
        /// </summary>
        private class Node<TItem>
        {
            public ulong[] Keys;
            public TItem[] Items;
            public int Count;

            protected Node(int size)
            {
                Keys = new ulong[size];
                Items = new TItem[size];
            }

            public ulong LastEnd => Keys[Count - 1];

            public int FirstEndingAfter(ulong point) => FirstAbove(Keys, Count, point);

            /// <summary>The root leaf starts small (most maps hold a range or two) and grows to the full capacity.</summary>
            public void Reserve(int capacity)
            {
                if (Keys.Length > Count || Keys.Length == capacity) return;
                int size = Math.Min(capacity, Keys.Length * 2);
                Array.Resize(ref Keys, size);
                Array.Resize(ref Items, size);
            }

            public void InsertAt(int i, ulong key, TItem item)
            {
                Array.Copy(Keys, i, Keys, i + 1, Count - i);
                Array.Copy(Items, i, Items, i + 1, Count - i);
                Keys[i] = key;
                Items[i] = item;
                Count++;
            }

            public void RemoveAt(int i, int n)
            {
                Array.Copy(Keys, i + n, Keys, i, Count - i - n);
                Array.Copy(Items, i + n, Items, i, Count - i - n);
                Count -= n;
                Array.Clear(Items, Count, n); // what left must not stay reachable
            }

            /// <summary>Appends this node's items from <paramref name="from"/> on to <paramref name="to"/> (which has room).</summary>
            public void MoveTail(int from, Node<TItem> to)
            {
                int n = Count - from;
                Array.Copy(Keys, from, to.Keys, to.Count, n);
                Array.Copy(Items, from, to.Items, to.Count, n);
                to.Count += n;
                Array.Clear(Items, from, n);
                Count = from;
            }

            /// <summary>Moves this node's items from <paramref name="from"/> on to the front of <paramref name="right"/>, its right neighbour.</summary>
            public void MoveTailToFront(int from, Node<TItem> right)
            {
                int n = Count - from;
                Array.Copy(right.Keys, 0, right.Keys, n, right.Count);
                Array.Copy(right.Items, 0, right.Items, n, right.Count);
                Array.Copy(Keys, from, right.Keys, 0, n);
                Array.Copy(Items, from, right.Items, 0, n);
                right.Count += n;
                Array.Clear(Items, from, n);
                Count = from;
            }

            /// <summary>Moves this node's first n items to the end of <paramref name="to"/>, its left neighbour.</summary>
            public void MoveHead(int n, Node<TItem> to)
            {
                Array.Copy(Keys, 0, to.Keys, to.Count, n);
                Array.Copy(Items, 0, to.Items, to.Count, n);
                to.Count += n;
                RemoveAt(0, n);
            }
        }

        private struct Entry
        {
            public ulong Start;
            public T Value;
        }

        /// <summary>Ranges, chained to the leaves before and after in key order.</summary>
        private sealed class Leaf : Node<Entry>
        {
            public Leaf(int size) : base(size) { }

            public Leaf? Next;
            public Leaf? Previous;

            public ulong Start(int i) => Items[i].Start;
            public ulong End(int i) => Keys[i];
            public T Value(int i) => Items[i].Value;
            public Interval<T> At(int i) => new Interval<T>(Items[i].Start, Keys[i], Items[i].Value);
            public void InsertAt(int i, ulong start, ulong end, T value) => InsertAt(i, end, new Entry { Start = start, Value = value });
        }

        private sealed class Branch : Node<object>
        {
            public Branch(int capacity) : base(capacity) { }
        }

        // ---- enumeration ----

        /// <summary>The ranges meeting [start, end), in order, enumerated without allocating.</summary>
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

        /// <summary>
        /// Walks the leaf chain while the map is unchanged; after a change it finds its place again from the last
        /// End it returned, so a map changed during enumeration just continues above that End.
        /// </summary>
        public struct Enumerator : IEnumerator<Interval<T>>
        {
            private readonly IntervalMap<T> map;
            private readonly ulong start;
            private readonly ulong end;
            private Leaf? leaf;
            private int index;
            private int version;
            private ulong next;
            private bool finished;

            internal Enumerator(IntervalMap<T> map, ulong start, ulong end)
            {
                this.map = map;
                this.start = start;
                this.end = end;
                leaf = null;
                index = 0;
                version = 0;
                next = start;
                finished = start >= end;
                Current = default;
            }

            public Interval<T> Current { get; private set; }
            object IEnumerator.Current => Current;

            public bool MoveNext()
            {
                if (finished) return false;
                if (leaf != null && version == map.version)
                {
                    if (++index == leaf.Count)
                    {
                        leaf = leaf.Next;
                        index = 0;
                    }
                }
                else if (!map.Find(next, out leaf, out index)) leaf = null;
                if (leaf == null || leaf.Start(index) >= end)
                {
                    finished = true;
                    return false;
                }
                version = map.version;
                Current = leaf.At(index);
                // Nothing can end above ulong.MaxValue, so a range ending there is the last one.
                if (Current.End == ulong.MaxValue) finished = true;
                else next = Current.End;
                return true;
            }

            public void Reset()
            {
                leaf = null;
                next = start;
                finished = start >= end;
            }

            public void Dispose() { }
        }
    }
}
