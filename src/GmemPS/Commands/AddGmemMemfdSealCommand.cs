using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Add-GmemMemfdSeal: fcntl(F_ADD_SEALS, F_SEAL_GUEST) (seed C): EBUSY once the memfd has pages.</summary>
    [Cmdlet(VerbsCommon.Add, "GmemMemfdSeal", SupportsShouldProcess = true)]
    [OutputType(typeof(LabMemfd))]
    public sealed class AddGmemMemfdSealCommand : GmemMemfdCommandBase
    {
        protected override string Action => "Seal it with F_SEAL_GUEST (fcntl F_ADD_SEALS)";

        protected override void Apply(GmemLab lab, LabMemfd memfd) => lab.SealMemfd(memfd);
    }
}
