using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Set-GmemShared: KVM_SET_MEMORY_ATTRIBUTES with attributes 0.</summary>
    [Cmdlet(VerbsCommon.Set, "GmemShared", SupportsShouldProcess = true, DefaultParameterSetName = RangeSet)]
    [OutputType(typeof(AttributeRange))]
    public sealed class SetGmemSharedCommand : SetGmemAttributeCommandBase
    {
        protected override bool Private => false;
    }
}
