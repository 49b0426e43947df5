using System;
using System.Collections;
using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// Lets a LabVm / LabFile / LabMemslot parameter take an id string ("vm0", "gmem0", "vm0/slot3"), alone or
    /// in an array, resolved in the session. Objects pass through untouched, so pipeline binding by value and
    /// by property name work as usual. An unknown id fails binding with the lab's message.
    /// An object of another session (live from a thread job, or deserialized from a job, remoting or
    /// Import-Clixml) is refused (GmemForeignObject) rather than taken for this session's object of the same
    /// id; a deserialized object of this session is this session's object of its id.
    /// </summary>
    public abstract class LabObjectTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (Unwrap(inputData) is IList list)
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
        protected abstract Type Target { get; }

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
        private object Rehydrate(PSObject deserialized)
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

        private object Resolve(string id)
        {
            try
            {
                return Find(GmemSession.Current, id);
            }
            catch (GmemLabException e)
            {
                throw Refused(e);
            }
        }

        private static ArgumentTransformationMetadataException Refused(GmemLabException e) => new ArgumentTransformationMetadataException(e.Message, e);

        protected abstract object Find(GmemLab lab, string id);

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
    }

    /// <summary>"vm0" -> the session's LabVm.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabVmTransformationAttribute : LabObjectTransformationAttribute
    {
        protected override Type Target => typeof(LabVm);

        protected override object Find(GmemLab lab, string id) => lab.FindVm(id);
    }

    /// <summary>"gmem0" -> the session's LabFile.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabFileTransformationAttribute : LabObjectTransformationAttribute
    {
        protected override Type Target => typeof(LabFile);

        protected override object Find(GmemLab lab, string id) => lab.FindFile(id);
    }

    /// <summary>"vm0/slot3" -> the session's open LabMemslot.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabMemslotTransformationAttribute : LabObjectTransformationAttribute
    {
        protected override Type Target => typeof(LabMemslot);

        protected override object Find(GmemLab lab, string id) => lab.FindMemslot(id);
    }
}
