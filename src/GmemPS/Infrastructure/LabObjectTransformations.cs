using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// Lets a LabVm / LabFile / LabMemslot parameter take an id string ("vm0", "gmem0", "vm0/slot3"), alone or
    /// in an array, resolved in the session. Objects pass through untouched, so pipeline binding by value and
    /// by property name work as usual. An unknown id fails binding with the lab's message.
    /// </summary>
    public abstract class LabObjectTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? data = Unwrap(inputData);
            if (data is string id) return Resolve(id);
            if (data is IList list)
            {
                bool anyId = false;
                foreach (object? item in list)
                    if (Unwrap(item) is string) anyId = true;
                if (!anyId) return inputData;
                var resolved = new List<object?>(list.Count);
                foreach (object? item in list)
                    resolved.Add(Unwrap(item) is string s ? Resolve(s) : item);
                return resolved.ToArray();
            }
            return inputData;
        }

        private object Resolve(string id)
        {
            try
            {
                return Find(GmemSession.Current, id);
            }
            catch (GmemLabException e)
            {
                throw new ArgumentTransformationMetadataException(e.Message, e);
            }
        }

        protected abstract object Find(GmemLab lab, string id);

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
    }

    /// <summary>"vm0" -> the session's LabVm.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabVmTransformationAttribute : LabObjectTransformationAttribute
    {
        protected override object Find(GmemLab lab, string id) => lab.FindVm(id);
    }

    /// <summary>"gmem0" -> the session's LabFile.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabFileTransformationAttribute : LabObjectTransformationAttribute
    {
        protected override object Find(GmemLab lab, string id) => lab.FindFile(id);
    }

    /// <summary>"vm0/slot3" -> the session's open LabMemslot.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LabMemslotTransformationAttribute : LabObjectTransformationAttribute
    {
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
            find = Finders.TryGetValue(objectType, out var finder)
                ? finder
                : throw new ArgumentException($"{objectType.Name} has no id lookup.", nameof(objectType));
        }

        protected override object Find(GmemLab lab, string id) => find(lab, id);
    }
}
