using System.Management.Automation;

namespace GmemPS.Commands
{
    /// <summary>Invoke-GmemWorkQueue: runs a simulated host's queued work items, the VM destroys kvm_put_kvm_async deferred (seed E).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "GmemWorkQueue", SupportsShouldProcess = true)]
    [OutputType(typeof(int))]
    public sealed class InvokeGmemWorkQueueCommand : GmemHostCommandBase
    {
        protected override void ProcessRecord()
        {
            var (profile, host) = ResolveHost();
            if (!ShouldProcess(host, "Run the queued work items")) return;
            var ran = Produce(host, lab => (object)lab.RunWorkQueue(Backend, profile));
            if (ran != null) WriteObject(ran);
        }
    }
}
