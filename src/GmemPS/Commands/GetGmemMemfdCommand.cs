using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>Get-GmemMemfd: the session's memfds of the 2021 proposal (seed C), by id (wildcards allowed), or all open ones.</summary>
    [Cmdlet(VerbsCommon.Get, "GmemMemfd")]
    [OutputType(typeof(LabMemfd))]
    public sealed class GetGmemMemfdCommand : GmemQueryCommandBase<LabMemfd>
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemfdIdCompleter))]
        public string[]? Id { get; set; }

        protected override object? QueryTarget => Id;

        protected override LabSelection<LabMemfd> Select(GmemLab lab) => lab.SelectMemfds(Id);
    }
}
