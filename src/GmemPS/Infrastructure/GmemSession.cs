using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using GmemPS.Backends;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// One lab per runspace, created on the runspace's first cmdlet over both backends. Runspaces run
    /// concurrently (ForEach-Object -Parallel, Start-ThreadJob, a host's own pool), and each is a user's
    /// separate script: its own vm0, its own event logs, its own teardown. The lab is disposed (every
    /// descriptor and mapping it owns closed) when the runspace closes or the module is removed from it; a
    /// later cmdlet there starts a fresh one. Code without a runspace (C# callers) shares one process lab.
    /// </summary>
    public static class GmemSession
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<Runspace, GmemLab> Labs = new Dictionary<Runspace, GmemLab>();
        private static readonly Dictionary<Runspace, int> Imports = new Dictionary<Runspace, int>();
        private static GmemLab? outsideRunspaces;

        /// <summary>The calling runspace's lab.</summary>
        public static GmemLab Current
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                lock (Gate)
                {
                    if (runspace == null) return outsideRunspaces ??= StandardBackendFactory.NewLab();
                    if (Labs.TryGetValue(runspace, out GmemLab? lab)) return lab;
                    lab = StandardBackendFactory.NewLab();
                    Labs[runspace] = lab;
                    runspace.StateChanged += OnRunspaceStateChanged;
                    return lab;
                }
            }
        }

        /// <summary>Closes everything the calling runspace's session owns; its next cmdlet starts a new, empty
        /// lab with a new SessionId (Pester's BeforeEach: <c>[GmemPS.Infrastructure.GmemSession]::Reset()</c>).</summary>
        public static void Reset() => Take(Runspace.DefaultRunspace)?.Dispose();

        /// <summary>
        /// Until the result is disposed, every cmdlet of the calling runspace uses a new, empty lab of its own; disposing
        /// closes that lab and gives the runspace back its own lab, objects untouched (an exported scenario script runs
        /// this way).
        /// </summary>
        public static IDisposable Isolate()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            GmemLab outer = Current;
            var inner = StandardBackendFactory.NewLab();
            lock (Gate) Put(runspace, inner);
            return new Isolation(runspace, outer, inner);
        }

        private sealed class Isolation : IDisposable
        {
            private readonly Runspace? runspace;
            private readonly GmemLab outer;
            private readonly GmemLab inner;

            public Isolation(Runspace? runspace, GmemLab outer, GmemLab inner)
            {
                this.runspace = runspace;
                this.outer = outer;
                this.inner = inner;
            }

            public void Dispose()
            {
                lock (Gate)
                {
                    // Only if the isolated lab is still the runspace's (a Reset inside the script already replaced it).
                    GmemLab? now = runspace == null ? outsideRunspaces : Labs.TryGetValue(runspace, out GmemLab? lab) ? lab : null;
                    if (ReferenceEquals(now, inner)) Put(runspace, outer);
                }
                inner.Dispose();
            }
        }

        /// <summary>Makes <paramref name="lab"/> the runspace's lab (the process lab for null); called under the gate.</summary>
        private static void Put(Runspace? runspace, GmemLab lab)
        {
            if (runspace == null) outsideRunspaces = lab;
            else Labs[runspace] = lab;
        }

        internal static void ModuleImported()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            lock (Gate) Imports[runspace] = Imports.TryGetValue(runspace, out int n) ? n + 1 : 1;
        }

        /// <summary>The last Remove-Module in a runspace ends its session; other runspaces keep theirs.</summary>
        internal static void ModuleRemoved()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            lock (Gate)
            {
                if (runspace != null && Imports.TryGetValue(runspace, out int n) && n > 1)
                {
                    Imports[runspace] = n - 1;
                    return;
                }
                if (runspace != null) Imports.Remove(runspace);
            }
            Reset();
        }

        private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (sender is not Runspace runspace) return;
            var state = e.RunspaceStateInfo.State;
            if (state != RunspaceState.Closed && state != RunspaceState.Broken) return;
            runspace.StateChanged -= OnRunspaceStateChanged;
            lock (Gate) Imports.Remove(runspace);
            Take(runspace)?.Dispose();
        }

        /// <summary>Removes a runspace's lab (the process lab for null) from the table, for the caller to dispose outside the lock.</summary>
        private static GmemLab? Take(Runspace? runspace)
        {
            lock (Gate)
            {
                GmemLab? lab;
                if (runspace == null)
                {
                    lab = outsideRunspaces;
                    outsideRunspaces = null;
                }
                else if (Labs.TryGetValue(runspace, out lab))
                {
                    Labs.Remove(runspace);
                    runspace.StateChanged -= OnRunspaceStateChanged;
                }
                return lab;
            }
        }
    }
}
