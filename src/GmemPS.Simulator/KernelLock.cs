using System;
using System.Threading;

namespace GmemPS.Simulator
{
    /// <summary>
    /// The one lock that serialises the simulated kernel's entry points: <c>using (kernel.Enter()) { … }</c>.
    /// Reentrant for its holder (a handle's Dispose closes it under the same hold). A simulated operation costs
    /// 50-200 ns, and a Monitor took about 20 ns of that on Linux (its slow thread lookup), so taking the lock is a
    /// compare-exchange on the holder's managed thread id; a waiter spins, then yields, then sleeps.
    /// </summary>
    internal sealed class KernelLock
    {
        /// <summary>The holder's managed thread id; 0 while free.</summary>
        private int holder;
        /// <summary>How many times the holder entered (only the holder reads or writes it).</summary>
        private int depth;

        public Scope Enter()
        {
            int me = Environment.CurrentManagedThreadId;
            if (Volatile.Read(ref holder) == me)
            {
                depth++;
                return new Scope(this);
            }
            if (Interlocked.CompareExchange(ref holder, me, 0) != 0) WaitFor(me);
            depth = 1;
            return new Scope(this);
        }

        private void WaitFor(int me)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref holder) != 0 || Interlocked.CompareExchange(ref holder, me, 0) != 0) spin.SpinOnce();
        }

        private void Exit()
        {
            if (--depth == 0) Volatile.Write(ref holder, 0);
        }

        /// <summary>Held until disposed.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly KernelLock owner;

            public Scope(KernelLock owner) => this.owner = owner;

            public void Dispose() => owner.Exit();
        }
    }
}
