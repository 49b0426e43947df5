using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace GmemPS.Simulator.Ranges
{
    /// <summary>Identity equality, so two adjacent ranges bound to different slots never merge.</summary>
    internal sealed class ReferenceEqualityComparer<T> : IEqualityComparer<T> where T : class
    {
        public static readonly ReferenceEqualityComparer<T> Instance = new ReferenceEqualityComparer<T>();
        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);
        public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
