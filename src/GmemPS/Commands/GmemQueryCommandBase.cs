using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// A Get- cmdlet over one kind of session object: writes what the lab's query found, and one error per exact
    /// id it could not find (the convention of <see cref="LabSelection{T}"/>).
    /// </summary>
    public abstract class GmemQueryCommandBase<T> : GmemCmdletBase
    {
        /// <summary>The query, with the parameters bound for this record.</summary>
        protected abstract LabSelection<T> Select(GmemLab lab);

        /// <summary>What an error about the query names as its target (the ids asked for).</summary>
        protected abstract object? QueryTarget { get; }

        protected override void ProcessRecord()
        {
            foreach (var found in Unpack(Produce(QueryTarget, Select))) WriteObject(found);
        }
    }

    /// <summary>A Get- cmdlet over objects that belong to a VM: -Id (in the subclass, with its completer) or -Vm.</summary>
    public abstract class GmemVmObjectQueryCommandBase<T> : GmemQueryCommandBase<T>
    {
        protected const string IdSet = "Id";
        protected const string VmSet = "Vm";

        /// <summary>Only this VM's objects (an id string or a LabVm, also from the pipeline).</summary>
        [Parameter(ParameterSetName = VmSet, Mandatory = true, ValueFromPipeline = true)]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm? Vm { get; set; }
    }
}
