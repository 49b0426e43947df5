using System;
using GmemPS.Backends;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// The process-wide lab every cmdlet calls, created on first use over both backends. Each import of the
    /// module counts; the last Remove-Module disposes the lab (closing every descriptor it owns), and a later
    /// import starts a fresh one.
    /// </summary>
    public static class GmemSession
    {
        private static readonly object Gate = new object();
        private static GmemLab? lab;
        private static int imports;

        public static GmemLab Current
        {
            get
            {
                lock (Gate) return lab ??= StandardBackendFactory.NewLab();
            }
        }

        /// <summary>Closes everything the session owns and starts the next cmdlet on a new, empty lab
        /// (Pester's BeforeEach: <c>[GmemPS.Infrastructure.GmemSession]::Reset()</c>).</summary>
        public static void Reset()
        {
            GmemLab? old;
            lock (Gate)
            {
                old = lab;
                lab = null;
            }
            old?.Dispose();
        }

        /// <summary>
        /// Until the result is disposed, every cmdlet uses a new, empty lab of its own; disposing closes that lab and
        /// gives the session back its own lab, objects untouched (an exported scenario script runs this way).
        /// </summary>
        public static IDisposable Isolate()
        {
            GmemLab? outer;
            lock (Gate)
            {
                outer = lab;
                lab = StandardBackendFactory.NewLab();
            }
            return new Isolation(outer);
        }

        private sealed class Isolation : IDisposable
        {
            private readonly GmemLab? outer;
            private bool disposed;

            public Isolation(GmemLab? outer)
            {
                this.outer = outer;
            }

            public void Dispose()
            {
                GmemLab? inner;
                lock (Gate)
                {
                    if (disposed) return;
                    disposed = true;
                    inner = lab;
                    lab = outer;
                }
                inner?.Dispose();
            }
        }

        internal static void ModuleImported()
        {
            lock (Gate) imports++;
        }

        internal static void ModuleRemoved()
        {
            lock (Gate)
            {
                if (imports > 0) imports--;
                if (imports > 0) return;
            }
            Reset();
        }
    }
}
