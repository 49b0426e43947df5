using System.Management.Automation;

namespace GmemPS.Infrastructure
{
    /// <summary>pwsh calls these on Import-Module and Remove-Module.</summary>
    public sealed class GmemModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => GmemSession.ModuleImported();

        public void OnRemove(PSModuleInfo psModuleInfo) => GmemSession.ModuleRemoved();
    }
}
