using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Set-GmemPrivate: KVM_SET_MEMORY_ATTRIBUTES with KVM_MEMORY_ATTRIBUTE_PRIVATE (8).</summary>
    [Cmdlet(VerbsCommon.Set, "GmemPrivate", SupportsShouldProcess = true, DefaultParameterSetName = RangeSet)]
    [OutputType(typeof(AttributeRange))]
    public sealed class SetGmemPrivateCommand : SetGmemAttributeCommandBase
    {
        protected override bool Private => true;
    }
}
