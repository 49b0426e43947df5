using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Simulator.Ranges;
using Xunit;

namespace GmemPS.Tests.Simulator
{
    /// <summary>
    /// The interval tree against a model that cannot be wrong: one dictionary entry per key. After every random
    /// Set or Clear (seeded, so a failure replays), every key, every query and the exact list of maximal runs
    /// must agree (Set and Clear also report how many keys were covered), and the tree must still be a valid B+ tree. Small node capacities make a few dozen ranges
    /// build deep trees, so splits, merges and redistribution all happen. No timing here: speed lives in benchmarks/.
    /// </summary>
    public sealed class IntervalMapTests
    {
        /// <summary>Keys base .. base + Span - 1: small enough to model key by key, placed low, high and at the top of ulong.</summary>
        private const int Span = 96;

        /// <summary>The default node capacity.</summary>
        private const int Wide = 32;

        public static TheoryData<int, ulong, int> Seeds()
        {
            var data = new TheoryData<int, ulong, int>();
            foreach (ulong origin in new[] { 0UL, 1UL << 40, ulong.MaxValue - Span })
                foreach (int capacity in new[] { 4, 5, Wide })
                    for (int seed = 1; seed <= 4; seed++) data.Add(seed, origin, capacity);
            return data;
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void Random_sets_and_clears_agree_with_a_key_by_key_model(int seed, ulong origin, int capacity)
        {
            // Few values, so neighbours often merge.
            Replay(new Random(seed), new PointModel<int>(origin, Span, EqualityComparer<int>.Default), capacity, steps: 1000, setsInTen: 6,
                random => random.Next(3), $"seed {seed}, origin {origin}, capacity {capacity}");
        }

        [Theory]
        [InlineData(21)]
        [InlineData(22)]
        public void A_wide_tree_over_thousands_of_keys_agrees_with_the_model(int seed)
        {
            // Thousands of short ranges: several levels at the default capacity. Ranges stay short so they pile up.
            const int span = 12000;
            var random = new Random(seed);
            var model = new PointModel<int>(0, span, EqualityComparer<int>.Default);
            var map = new IntervalMap<int>();
            for (int step = 0; step < 6000; step++)
            {
                ulong start = (ulong)random.Next(span), end = Math.Min(span, start + (ulong)random.Next(1, random.Next(8) == 0 ? 400 : 6));
                ulong coveredBefore = model.CoveredCount(start, end);
                if (random.Next(10) < 8)
                {
                    int value = random.Next(6);
                    Assert.Equal(coveredBefore, map.Set(start, end, value));
                    model.Set(start, end, value);
                }
                else
                {
                    Assert.Equal(coveredBefore, map.Clear(start, end));
                    model.Clear(start, end);
                }
                map.CheckStructure();
                if (step % 100 == 99) AssertSame(model, map, random, $"seed {seed}, step {step}");
            }
            Assert.True(map.Depth >= 3, $"depth {map.Depth}: the test should reach a branch below the root");
        }

        [Theory]
        [InlineData(11)]
        [InlineData(12)]
        [InlineData(13)]
        public void Values_compared_by_identity_merge_only_with_the_same_object(int seed)
        {
            var random = new Random(seed);
            var owners = Enumerable.Range(0, 3).Select(i => new Owner(i)).ToArray();
            var twins = owners.Select(o => new Owner(o.Number)).ToArray(); // equal by value, never by identity
            Replay(random, new PointModel<Owner>(0, Span, ReferenceEqualityComparer<Owner>.Instance), capacity: 4, steps: 1000, setsInTen: 7,
                r => r.Next(2) == 0 ? owners[r.Next(3)] : twins[r.Next(3)], $"seed {seed}");
        }

        [Theory]
        [InlineData(4)]
        [InlineData(Wide)]
        public void Walking_the_keys_in_order_agrees_with_the_model(int capacity)
        {
            // In-order walks reuse the leaf of the last lookup: allocate every other key, fill the gaps, punch some
            // back, each pass ascending, with lookups between the changes.
            const int span = 3000;
            var model = new PointModel<int>(0, span, EqualityComparer<int>.Default);
            var map = new IntervalMap<int>(EqualityComparer<int>.Default, capacity);
            var random = new Random(5);
            foreach (var (first, step, set) in new[] { (0, 2, true), (1, 2, true), (0, 3, false), (2, 7, true), (0, 5, false) })
            {
                for (int key = first; key < span; key += step)
                {
                    ulong k = (ulong)key;
                    Assert.Equal(model.CoveredCount(k, k + 1), set ? map.Set(k, k + 1, key % 3) : map.Clear(k, k + 1));
                    if (set) model.Set(k, k + 1, key % 3);
                    else model.Clear(k, k + 1);
                    Assert.Equal(model.Has(k + 1), map.TryGet(k + 1, out _));
                }
                map.CheckStructure();
                AssertSame(model, map, random, $"capacity {capacity}, pass from {first} by {step}");
            }
        }

        [Fact]
        public void Clearing_everything_and_ranges_that_reach_the_top_of_ulong()
        {
            var map = new IntervalMap<int>();
            map.Set(ulong.MaxValue - 10, ulong.MaxValue, 1);
            map.Set(0, 5, 2);
            Assert.True(map.TryGet(ulong.MaxValue - 1, out var top));
            Assert.Equal(new Interval<int>(ulong.MaxValue - 10, ulong.MaxValue, 1), top);
            Assert.False(map.TryGet(ulong.MaxValue, out _));
            Assert.Equal(new[] { (0UL, 5UL), (ulong.MaxValue - 10, ulong.MaxValue) }, map.All.Select(r => (r.Start, r.End)));
            Assert.Equal(15UL, map.Covered(0, ulong.MaxValue));
            map.Clear(0, ulong.MaxValue);
            Assert.Equal(0, map.Count);
            Assert.Empty(map.All);
            map.CheckStructure();
        }

        [Fact]
        public void Empty_and_inverted_ranges_change_and_find_nothing()
        {
            var map = new IntervalMap<int>();
            map.Set(10, 20, 1);
            map.Set(15, 15, 2);
            map.Set(30, 25, 2);
            map.Clear(12, 12);
            Assert.Equal(new[] { new Interval<int>(10, 20, 1) }, map.All.ToArray());
            Assert.False(map.Overlaps(15, 15));
            Assert.Empty(map.Overlapping(18, 12));
            Assert.Empty(map.Within(18, 12));
            Assert.Equal(0UL, map.Covered(20, 10));
            Assert.False(map.TryGetFirstOverlap(15, 15, out _));
        }

        [Fact]
        public void A_set_inside_a_range_of_another_value_splits_it_in_three()
        {
            var map = new IntervalMap<char>();
            map.Set(0, 100, 'a');
            map.Set(40, 60, 'b');
            Assert.Equal(new[] { (0UL, 40UL, 'a'), (40UL, 60UL, 'b'), (60UL, 100UL, 'a') }, map.All.Select(r => (r.Start, r.End, r.Value)));
            map.Set(40, 60, 'a');
            Assert.Equal(new[] { new Interval<char>(0, 100, 'a') }, map.All.ToArray());
            map.CheckStructure();
        }

        [Theory]
        [InlineData("ascending")]
        [InlineData("descending")]
        [InlineData("random")]
        public void The_tree_stays_shallow_however_the_ranges_arrive(string order)
        {
            const int n = 50_000;
            var starts = Enumerable.Range(0, n).Select(i => (ulong)i * 3).ToArray();
            if (order == "descending") Array.Reverse(starts);
            if (order == "random") Shuffle(starts, new Random(7));
            var map = new IntervalMap<int>();
            foreach (ulong s in starts) map.Set(s, s + 2, 1); // gaps of one key: nothing merges
            Assert.Equal(n, map.Count);
            map.CheckStructure();
            Assert.True(map.Depth <= MaxDepth(n), $"depth {map.Depth} for {n} ranges");

            Shuffle(starts, new Random(8));
            foreach (ulong s in starts.Take(n / 2)) map.Clear(s, s + 2);
            Assert.Equal(n - n / 2, map.Count);
            map.CheckStructure();
            Assert.True(map.Depth <= MaxDepth(map.Count), $"depth {map.Depth} for {map.Count} ranges");

            // Filling every gap merges everything back into one range.
            map.Set(0, (ulong)n * 3, 1);
            Assert.Equal(1, map.Count);
            map.CheckStructure();
        }

        [Fact]
        public void Enumeration_continues_above_the_last_range_when_the_map_changes_underneath()
        {
            var map = new IntervalMap<int>();
            for (ulong s = 0; s < 100; s += 10) map.Set(s, s + 5, (int)s);
            var seen = new List<ulong>();
            foreach (var r in map.Within(0, 100))
            {
                seen.Add(r.Start);
                map.Clear(r.Start, r.End); // removing what was just returned
                if (r.Start == 30) map.Set(35, 36, -1); // a range appearing above the cursor is found
            }
            Assert.Equal(new ulong[] { 0, 10, 20, 30, 35, 40, 50, 60, 70, 80, 90 }, seen);
            Assert.Equal(0, map.Count);
        }

        /// <summary>Random sets (setsInTen in ten) and clears on the tree and the model, compared after every step.</summary>
        private static void Replay<T>(Random random, PointModel<T> model, int capacity, int steps, int setsInTen, Func<Random, T> value, string run)
        {
            var map = new IntervalMap<T>(model.Equality, capacity);
            for (int step = 0; step < steps; step++)
            {
                var (start, end) = RandomRange(random, model.Origin, model.Span);
                ulong coveredBefore = model.CoveredCount(start, end);
                if (random.Next(10) < setsInTen)
                {
                    var v = value(random);
                    Assert.Equal(coveredBefore, map.Set(start, end, v));
                    model.Set(start, end, v);
                }
                else
                {
                    Assert.Equal(coveredBefore, map.Clear(start, end));
                    model.Clear(start, end);
                }
                AssertSame(model, map, random, $"{run}, step {step}");
            }
        }

        /// <summary>
        /// Every node but the root is at least a quarter full (8 of 32), the root has two children or more: n ranges
        /// fill at most n / 8 leaves, under branch levels of fan-out 8 or more.
        /// </summary>
        private static int MaxDepth(int n) => 2 + (int)Math.Floor(Math.Log(Math.Max(1.0, n / 8.0 / 2), 8));

        private static (ulong Start, ulong End) RandomRange(Random random, ulong origin, int span)
        {
            int a = random.Next(span + 1), b = random.Next(span + 1);
            if (random.Next(4) != 0) b = a + random.Next(3); // many short ranges, some empty
            return (origin + (ulong)Math.Min(a, Math.Min(b, span)), origin + (ulong)Math.Min(Math.Max(a, b), span));
        }

        private static void Shuffle<T>(T[] items, Random random)
        {
            for (int i = items.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }

        private static void AssertSame<T>(PointModel<T> model, IntervalMap<T> map, Random random, string where)
        {
            map.CheckStructure();
            var runs = model.Runs();
            var actual = map.All.ToList();
            Assert.True(runs.Count == actual.Count, $"{where}: {actual.Count} ranges, model has {runs.Count} runs");
            for (int i = 0; i < runs.Count; i++)
                Assert.True(runs[i].Start == actual[i].Start && runs[i].End == actual[i].End && model.Same(runs[i].Value, actual[i].Value),
                    $"{where}: range {i} is [{actual[i].Start}, {actual[i].End}), model [{runs[i].Start}, {runs[i].End})");
            Assert.Equal(runs.Count, map.Count);

            for (ulong key = model.Origin; key < model.Origin + (ulong)model.Span; key++)
            {
                bool found = map.TryGet(key, out var hit);
                Assert.True(found == model.Has(key), $"{where}: TryGet({key}) = {found}");
                if (found) Assert.True(hit.Start <= key && key < hit.End && model.Same(hit.Value, model.At(key)), $"{where}: TryGet({key}) returned [{hit.Start}, {hit.End})");
            }
            for (int q = 0; q < 8; q++)
            {
                var (start, end) = RandomRange(random, model.Origin, model.Span);
                var expected = runs.Where(r => start < end && r.Start < end && start < r.End).ToList();
                Assert.True((expected.Count > 0) == map.Overlaps(start, end), $"{where}: Overlaps({start}, {end})");
                Assert.Equal(expected.Select(r => (r.Start, r.End)), map.Overlapping(start, end).Select(r => (r.Start, r.End)));
                Assert.Equal(expected.Select(r => (r.Start, r.End)), map.Within(start, end).Select(r => (r.Start, r.End)));
                Assert.Equal(model.CoveredCount(start, end), map.Covered(start, end));
                Assert.Equal(expected.Count > 0, map.TryGetFirstOverlap(start, end, out var first));
                if (expected.Count > 0) Assert.Equal(expected[0].Start, first.Start);
            }
        }

        private sealed class Owner
        {
            public Owner(int number) => Number = number;
            public int Number { get; }
            public override bool Equals(object? obj) => obj is Owner o && o.Number == Number;
            public override int GetHashCode() => Number;
        }

        /// <summary>One entry per key: obviously right, and what the tree must be equivalent to.</summary>
        private sealed class PointModel<T>
        {
            private readonly Dictionary<ulong, T> values = new Dictionary<ulong, T>();

            public PointModel(ulong origin, int span, IEqualityComparer<T> equality)
            {
                Origin = origin;
                Span = span;
                Equality = equality;
            }

            public ulong Origin { get; }
            public int Span { get; }
            public IEqualityComparer<T> Equality { get; }

            public void Set(ulong start, ulong end, T value)
            {
                for (ulong k = start; k < end; k++) values[k] = value;
            }

            public void Clear(ulong start, ulong end)
            {
                for (ulong k = start; k < end; k++) values.Remove(k);
            }

            public bool Has(ulong key) => values.ContainsKey(key);
            public T At(ulong key) => values[key];
            public bool Same(T a, T b) => Equality.Equals(a, b);

            public ulong CoveredCount(ulong start, ulong end)
            {
                ulong n = 0;
                for (ulong k = start; k < end; k++) if (values.ContainsKey(k)) n++;
                return n;
            }

            /// <summary>The maximal runs of consecutive keys holding equal values.</summary>
            public List<Interval<T>> Runs()
            {
                var runs = new List<Interval<T>>();
                for (ulong k = Origin; k < Origin + (ulong)Span; k++)
                {
                    if (!values.TryGetValue(k, out var value)) continue;
                    if (runs.Count > 0 && runs[runs.Count - 1].End == k && Equality.Equals(runs[runs.Count - 1].Value, value))
                        runs[runs.Count - 1] = runs[runs.Count - 1] with { End = k + 1 };
                    else runs.Add(new Interval<T>(k, k + 1, value));
                }
                return runs;
            }
        }
    }
}
