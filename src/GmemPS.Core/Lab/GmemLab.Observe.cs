using System;

namespace GmemPS.Lab
{
    // Lets a caller see each kernel call the lab makes on its behalf (the cmdlets turn them into Verbose
    // lines). The observer is per thread: every operation runs synchronously on the caller's thread under
    // the lab's lock, so a thread sees its own calls and never another pipeline's.
    public sealed partial class GmemLab
    {
        [ThreadStatic] private static StepObserver? observer;

        /// <summary>
        /// Until the result is disposed, <paramref name="onStep"/> receives each step this thread performs on
        /// this lab, failed ones included, with a one-line description of the kernel call
        /// (<see cref="DescribeCall"/>). It runs under the lab's lock: it must only record.
        /// </summary>
        public IDisposable ObserveSteps(Action<LabStep, string> onStep)
        {
            var o = new StepObserver(this, onStep, observer);
            observer = o;
            return o;
        }

        private void Notify(LabStep step)
        {
            for (var o = observer; o != null; o = o.Previous)
            {
                if (!ReferenceEquals(o.Lab, this)) continue;
                o.OnStep(step, DescribeCall(step));
                return;
            }
        }

        private sealed class StepObserver : IDisposable
        {
            public StepObserver(GmemLab lab, Action<LabStep, string> onStep, StepObserver? previous)
            {
                Lab = lab;
                OnStep = onStep;
                Previous = previous;
            }

            public GmemLab Lab { get; }
            public Action<LabStep, string> OnStep { get; }
            public StepObserver? Previous { get; }

            public void Dispose()
            {
                // Observers nest; unwinding out of order (a forgotten Dispose) still restores the outer one.
                if (ReferenceEquals(observer, this)) observer = Previous;
            }
        }
    }
}
