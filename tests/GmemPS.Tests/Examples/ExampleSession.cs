using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// What every twin needs: a lab on the Simulator (as the scripts run by default), an event mark like the
    /// scripts' <c>$mark</c>, and a way to catch a kernel refusal the way <c>-ErrorAction SilentlyContinue</c>
    /// leaves it in <c>$Error</c>.
    /// </summary>
    internal sealed class ExampleSession : IDisposable
    {
        public const ulong KiB = 1UL << 10, MiB = 1UL << 20, GiB = 1UL << 30;
        private long mark;

        public ExampleSession()
        {
            Lab = StandardBackendFactory.NewLab();
        }

        public GmemLab Lab { get; }

        public EventLog Log => Lab.Host(BackendKind.Simulator).Events;

        /// <summary>Like the scripts' <c>$mark = Get-LastEventSequence</c>: later reads see only newer events.</summary>
        public void Mark() => mark = Log.TotalAppended;

        /// <summary>Like <c>Get-GmemEvent -Backend Simulator -Since $mark</c>.</summary>
        public IReadOnlyList<GmemEvent> Since() => Log.Since(mark);

        public IReadOnlyList<T> Since<T>() where T : GmemEvent => Since().OfType<T>().ToList();

        /// <summary>The kernel's refusal of one operation (a script sees it as $Error[0]).</summary>
        public static GmemException Refusal(Action operation) => Assert.Throws<GmemException>(operation);

        public void Dispose() => Lab.Dispose();
    }
}
