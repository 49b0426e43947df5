using System.Management.Automation;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Commands
{
    /// <summary>
    /// Get-GmemAttribute: the memory attributes the session set on a VM. The kernel has no GET, so this is the
    /// lab's record of the requests the kernel accepted. Without -Gpa/-Size: the non-shared ranges. With them:
    /// that range cut into private and shared parts.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GmemAttribute")]
    [OutputType(typeof(AttributeRange))]
    public sealed class GetGmemAttributeCommand : GmemCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [LabVmTransformation]
        [ArgumentCompleter(typeof(VmIdCompleter))]
        public LabVm Vm { get; set; } = null!;

        /// <summary>Start of the range to describe (default 0 when only -Size is given).</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public ulong Gpa { get; set; }

        /// <summary>Bytes to describe (default one page when only -Gpa is given).</summary>
        [Parameter]
        [NumericLiteralTransformation]
        public ulong Size { get; set; }

        protected override void ProcessRecord()
        {
            var vm = Vm;
            bool ranged = IsGiven(nameof(Gpa)) || IsGiven(nameof(Size));
            ulong size = IsGiven(nameof(Size)) ? Size : (ulong)KvmLimits.PageSize;
            var ranges = Produce(vm, lab => ranged ? lab.AttributesIn(vm, Gpa, size) : lab.Attributes(vm));
            if (ranges != null) WriteObject(ranges, true);
        }
    }
}
