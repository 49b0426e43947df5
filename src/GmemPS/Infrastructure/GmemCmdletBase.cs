using System;
using System.Collections.Generic;
using System.Linq;
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

        /// <summary>
        /// Reports an unknown id typed on the command line (-Vm vm7, Close-GmemFile gmem9) as the lab's
        /// GmemObjectNotFound, before anything is done: binding left null where it stood (<see cref="UnknownIds"/>).
        /// </summary>
        protected override void BeginProcessing()
        {
            commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            var objectParameters = ObjectParameters.GetOrAdd(GetType(), type => type.GetProperties()
                .Select(p => (p.Name, Kind: p.GetCustomAttributes(typeof(LabObjectTransformationAttribute), true).Cast<LabObjectTransformationAttribute>().FirstOrDefault()))
                .Where(p => p.Kind != null)
                .ToDictionary(p => p.Name, p => p.Kind!.Target, StringComparer.OrdinalIgnoreCase));
            foreach (var bound in MyInvocation.BoundParameters)
            {
                if (!objectParameters.TryGetValue(bound.Key, out Type? kind) || !HoldsUnknownId(bound.Value)) continue;
                // InvocationInfo.Statement (the command's own text) is public in PowerShell 7; the reference assemblies
                // this module compiles against predate it.
                string text = typeof(InvocationInfo).GetProperty("Statement")?.GetValue(MyInvocation) as string ?? MyInvocation.Line ?? string.Empty;
                var refusal = UnknownIds.Take(kind, text)
                    ?? new GmemLabException("GmemObjectNotFound", $"-{bound.Key} names no open object of the session.", null);
                Report(refusal, refusal.Target, stop: true);
            }
        }

        /// <summary>Per cmdlet type: its parameters that take session objects, and the object type of each.</summary>
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Dictionary<string, Type>> ObjectParameters =
            new System.Collections.Concurrent.ConcurrentDictionary<Type, Dictionary<string, Type>>();

        private static bool HoldsUnknownId(object? value) =>
            value == null || (value is System.Collections.IList list && list.Cast<object?>().Any(item => item == null));

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

        /// <summary>True when the parameter is bound: given on the command line or, in ProcessRecord, by the current input.</summary>
        protected bool IsGiven(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

        /// <summary>True when the current input object bound the parameter (it was not on the command line).</summary>
        protected bool IsPiped(string parameterName) => IsGiven(parameterName) && !commandLine.Contains(parameterName);

        private HashSet<string> commandLine = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Reports a failure the GmemPS way: WriteError, or ThrowTerminatingError when nothing can go on
        /// (or when <paramref name="stop"/> says the command must not start).</summary>
        protected void Report(Exception exception, object? target, bool stop = false)
        {
            GmemErrorInfo info = GmemErrors.Classify(exception, WritesData)
                ?? new GmemErrorInfo(exception.GetType().Name, GmemErrorCategory.NotSpecified, terminating: true);
            var record = new ErrorRecord(exception, info.ErrorId, (ErrorCategory)(int)info.Category, target);
            if (info.Terminating || stop) ThrowTerminatingError(record);
            else WriteError(record);
        }

        /// <summary>True for a command whose job is to write data: its I/O failures are WriteErrors, not ReadErrors.</summary>
        protected virtual bool WritesData => false;

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
