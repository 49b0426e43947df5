using System.Management.Automation;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Test-GmemKvmModuleUnload: would delete_module("kvm") succeed on a simulated host, and what pins kvm.ko if not (seed E).</summary>
    [Cmdlet(VerbsDiagnostic.Test, "GmemKvmModuleUnload")]
    [OutputType(typeof(LabModuleUnload))]
    public sealed class TestGmemKvmModuleUnloadCommand : GmemHostCommandBase
    {
        protected override void ProcessRecord()
        {
            var (profile, host) = ResolveHost();
            var result = Produce(host, lab => lab.TryUnloadKvmModule(Backend, profile));
            if (result != null) WriteObject(result);
        }
    }
}
