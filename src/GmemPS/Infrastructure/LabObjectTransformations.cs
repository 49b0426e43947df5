using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// Lets a LabVm / LabFile / LabMemslot parameter take an id string ("vm0", "gmem0", "vm0/slot3"), alone or
    /// in an array, resolved in the session. Objects pass through untouched, so pipeline binding by value and
    /// by property name work as usual.
    /// An object of another session (live from a thread job, or deserialized from a job, remoting or
    /// Import-Clixml) is refused (GmemForeignObject) rather than taken for this session's object of the same
    /// id; a deserialized object of this session is this session's object of its id.
    /// <para>
    /// An unknown id must be the lab's GmemObjectNotFound, not a binding error (whose id PowerShell fixes as
    /// ParameterArgumentTransformationError). So an unknown id typed on the command line (a plain string) binds as
    /// null, the parameters carry [AllowNull] for it, and the miss waits in <see cref="UnknownIds"/> until the
    /// cmdlet's BeginProcessing reports it (<see cref="GmemCmdletBase"/>). While an input object is bound (a piped
    /// id, or a piped object's File property that is an id string) a miss stays a binding error of that one input, so PowerShell can still try the other parameters (a piped 'vm0' is not a
    /// file but may be a VM) and nothing runs with a null.
    /// </para>
    /// </summary>
    public abstract class LabObjectTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? data = Unwrap(inputData);
            // A piped $null binds nothing (a null on the command line is reported by BeginProcessing).
            if (data == null && BindingPipelineInput())
                throw new ArgumentTransformationMetadataException("The input object is $null: it names no object of the session.");
            if (data is IList list)
            {
                var resolved = new object?[list.Count];
                bool changed = false;
                for (int i = 0; i < list.Count; i++)
                {
                    resolved[i] = Bind(list[i]);
                    changed |= !ReferenceEquals(resolved[i], list[i]);
                }
                return changed ? resolved : inputData;
            }
            return Bind(inputData);
        }

        /// <summary>The parameter's own type (LabVm, LabFile, LabMemslot): only such objects are checked here,
        /// so an object of another type still reaches binding by property name.</summary>
        internal abstract Type Target { get; }

        private object? Bind(object? item)
        {
            object? data = Unwrap(item);
            if (data is string id) return Resolve(id);
            if (data is LabObject live && Target.IsInstanceOfType(live))
            {
                GmemLab lab = GmemSession.Current;
                if (live.SessionId != lab.SessionId) throw Refused(lab.ForeignObject(live.Id, live.SessionId, live));
                return item;
            }
            if (item is PSObject pso && pso.TypeNames.Contains("Deserialized." + Target.FullName)) return Rehydrate(pso);
            return item;
        }

        /// <summary>A deserialized object names its session and id: this session's object of that id, or a refusal.</summary>
        private object? Rehydrate(PSObject deserialized)
        {
            GmemLab lab = GmemSession.Current;
            string? id = deserialized.Properties["Id"]?.Value?.ToString();
            object? session = deserialized.Properties["SessionId"]?.Value;
            bool ours = session != null && Guid.TryParse(session.ToString(), out Guid sessionId) && sessionId == lab.SessionId;
            if (id == null || !ours)
            {
                Guid.TryParse(session?.ToString(), out Guid other);
                throw Refused(lab.ForeignObject(id ?? deserialized.ToString(), other, deserialized));
            }
            return Resolve(id);
        }

        private object? Resolve(string id)
        {
            try
            {
                return Find(GmemSession.Current, id);
            }
            catch (GmemLabException e) when (!BindingPipelineInput())
            {
                UnknownIds.Add(Target, id, e);
                return null;
            }
            catch (GmemLabException e)
            {
                throw Refused(e);
            }
        }

        private static ArgumentTransformationMetadataException Refused(GmemLabException e) => new ArgumentTransformationMetadataException(e.Message, e);

        protected abstract object Find(GmemLab lab, string id);

        /// <summary>
        /// True while PowerShell binds pipeline input (an input's property, e.g. a File of 'gmem9', reaches here as a plain
        /// string too). Only BeginProcessing reports a null left by a miss, so a miss while binding an input object must
        /// stay that object's binding error. The binder says so only in its call stack (its internal
        /// BindPipelineParameters); this runs on the miss path alone.
        /// </summary>
        private static bool BindingPipelineInput() =>
            new System.Diagnostics.StackTrace(false).GetFrames()?.Any(f => f.GetMethod()?.Name == "BindPipelineParameters") == true;

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
    }

    /// <summary>
    /// Unknown ids typed on command lines, from binding (which cannot report them with the lab's id) to the
    /// BeginProcessing of the same command. PowerShell binds the command lines of a whole pipeline before any of
    /// them begins, in order, on the pipeline's thread; so each command takes, per kind of object, the oldest misses
    /// whose id its own text contains, and drops older ones (a command whose binding failed later never began).
    /// </summary>
    public static class UnknownIds
    {
        private const int Kept = 64;

        [ThreadStatic]
        private static List<(Type Kind, string Id, GmemLabException Refusal)>? pending;

        internal static void Add(Type kind, string id, GmemLabException refusal)
        {
            pending ??= new List<(Type, string, GmemLabException)>();
            if (pending.Count == Kept) pending.RemoveAt(0);
            pending.Add((kind, id, refusal));
        }

        /// <summary>The oldest pending refusal of this kind whose id appears in <paramref name="commandText"/>.</summary>
        public static GmemLabException? Take(Type kind, string commandText)
        {
            if (pending == null) return null;
            for (int i = 0; i < pending.Count; i++)
            {
                var miss = pending[i];
                if (miss.Kind != kind) continue;
                pending.RemoveAt(i--);
                if (commandText.IndexOf(miss.Id, StringComparison.OrdinalIgnoreCase) >= 0) return miss.Refusal;
            }
            return null;
        }
    }

    /// <summary>"vm0" -> the session's LabVm.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabVmTransformationAttribute : LabObjectTransformationAttribute
    {
        internal override Type Target => typeof(LabVm);

        protected override object Find(GmemLab lab, string id) => lab.FindVm(id);
    }

    /// <summary>"gmem0" -> the session's LabFile.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabFileTransformationAttribute : LabObjectTransformationAttribute
    {
        internal override Type Target => typeof(LabFile);

        protected override object Find(GmemLab lab, string id) => lab.FindFile(id);
    }

    /// <summary>"vm0/slot3" -> the session's open LabMemslot.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabMemslotTransformationAttribute : LabObjectTransformationAttribute
    {
        internal override Type Target => typeof(LabMemslot);

        protected override object Find(GmemLab lab, string id) => lab.FindMemslot(id);
    }

    /// <summary>
    /// The id of a design object -> the session's object: [LabIdTransformation(typeof(LabMemfd))] takes "memfd0",
    /// and likewise "ref0" (LabHostReference), "kvmvfio0" (LabKvmVfioDevice), "vfio0" (LabVfioDevice), "fault0" (LabGuestFault).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabIdTransformationAttribute : LabObjectTransformationAttribute
    {
        private static readonly Dictionary<Type, Func<GmemLab, string, object>> Finders = new Dictionary<Type, Func<GmemLab, string, object>>
        {
            [typeof(LabMemfd)] = (lab, id) => lab.FindMemfd(id),
            [typeof(LabHostReference)] = (lab, id) => lab.FindHostReference(id),
            [typeof(LabKvmVfioDevice)] = (lab, id) => lab.FindKvmVfioDevice(id),
            [typeof(LabVfioDevice)] = (lab, id) => lab.FindVfioDevice(id),
            [typeof(LabGuestFault)] = (lab, id) => lab.FindGuestFault(id),
        };

        private readonly Func<GmemLab, string, object> find;

        public LabIdTransformationAttribute(Type objectType)
        {
            Target = objectType;
            find = Finders.TryGetValue(objectType, out var finder)
                ? finder
                : throw new ArgumentException($"{objectType.Name} has no id lookup.", nameof(objectType));
        }

        internal override Type Target { get; }

        protected override object Find(GmemLab lab, string id) => find(lab, id);
    }
}
