using System;
using System.Collections.Generic;
using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// What every GmemPS cmdlet shares: the session, one Verbose line per kernel call, and the mapping of
    /// failures to PowerShell errors (<see cref="GmemErrors"/>): a refusal of one input object is a
    /// non-terminating error with the rule id and the input as TargetObject; an unusable backend or session
    /// stops the command.
    /// </summary>
    public abstract class GmemCmdletBase : PSCmdlet
    {
        protected const string PassThruHelp = "Writes the affected object to the pipeline.";

        protected GmemLab Lab => GmemSession.Current;

        /// <summary>Runs one lab operation for one input object. False when it failed (the error is written).</summary>
        protected bool Perform(object? target, Action<GmemLab> operation) =>
            Produce(target, lab =>
            {
                operation(lab);
                return Done;
            }) != null;

        /// <summary>Runs one lab operation for one input object and returns its result, or null when it failed.</summary>
        protected T? Produce<T>(object? target, Func<GmemLab, T> operation) where T : class
        {
            var calls = new List<string>();
            GmemLab lab;
            try
            {
                lab = Lab;
            }
            catch (Exception e) when (GmemErrors.Classify(e) != null)
            {
                Report(e, target);
                return null;
            }
            try
            {
                using (lab.ObserveSteps((step, text) => calls.Add(text)))
                    return operation(lab);
            }
            catch (Exception e) when (GmemErrors.Classify(e) != null)
            {
                WriteCalls(calls);
                calls.Clear();
                Report(e, target);
                return null;
            }
            finally
            {
                WriteCalls(calls);
            }
        }

        /// <summary>Writes the errors of a query (unknown exact ids) and returns what it found.</summary>
        protected IReadOnlyList<T> Unpack<T>(LabSelection<T>? selection)
        {
            if (selection == null) return Array.Empty<T>();
            foreach (var missing in selection.Missing) Report(missing, missing.Target);
            return selection.Found;
        }

        /// <summary>True when the parameter was given on the command line (never for pipeline-bound ones).</summary>
        protected bool IsGiven(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

        /// <summary>Reports a failure the GmemPS way: WriteError, or ThrowTerminatingError when nothing can go on.</summary>
        protected void Report(Exception exception, object? target)
        {
            GmemErrorInfo info = GmemErrors.Classify(exception)
                ?? new GmemErrorInfo(exception.GetType().Name, GmemErrorCategory.NotSpecified, terminating: true);
            var record = new ErrorRecord(exception, info.ErrorId, (ErrorCategory)(int)info.Category, target);
            if (info.Terminating) ThrowTerminatingError(record);
            else WriteError(record);
        }

        /// <summary>Validates a backend/profile pair, stopping the command when it names no host.</summary>
        protected string? CanonicalProfile(BackendKind backend, string? profile)
        {
            try
            {
                return BackendProfiles.Canonical(backend, profile);
            }
            catch (GmemUsageException e)
            {
                Report(e, profile);
                return null;
            }
        }

        private void WriteCalls(List<string> calls)
        {
            foreach (string call in calls) WriteVerbose(call);
        }

        private static readonly object Done = new object();
    }
}
