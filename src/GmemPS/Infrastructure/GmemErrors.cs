using System;
using System.Collections.Generic;
using System.IO;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// PowerShell's ErrorCategory, value for value (a test compares it with System.Management.Automation's).
    /// The mapping below is plain C# so it is testable without loading PowerShell; the cmdlet base casts.
    /// </summary>
    public enum GmemErrorCategory
    {
        NotSpecified = 0,
        OpenError = 1,
        CloseError = 2,
        DeviceError = 3,
        InvalidArgument = 5,
        InvalidData = 6,
        InvalidOperation = 7,
        InvalidResult = 8,
        NotImplemented = 11,
        NotInstalled = 12,
        ObjectNotFound = 13,
        OperationStopped = 14,
        PermissionDenied = 18,
        ResourceBusy = 19,
        ResourceExists = 20,
        ResourceUnavailable = 21,
        ReadError = 22,
        WriteError = 23,
        LimitsExceeded = 29,
    }

    /// <summary>How one failure is reported: its stable error id, its category, and whether the cmdlet can go on.</summary>
    public sealed class GmemErrorInfo
    {
        public GmemErrorInfo(string errorId, GmemErrorCategory category, bool terminating)
        {
            ErrorId = errorId;
            Category = category;
            Terminating = terminating;
        }

        public string ErrorId { get; }
        public GmemErrorCategory Category { get; }
        /// <summary>True when processing cannot continue (the backend or session is unusable): ThrowTerminatingError.
        /// Otherwise the failure belongs to one input object: WriteError, so -ErrorAction decides.</summary>
        public bool Terminating { get; }

        public override string ToString() => $"{ErrorId} ({Category}{(Terminating ? ", terminating" : string.Empty)})";
    }

    /// <summary>The module's one catalogue of how failures become PowerShell errors.</summary>
    public static class GmemErrors
    {
        /// <summary>The one errno -> ErrorCategory table. Every errno GmemPS knows has a row.</summary>
        public static readonly IReadOnlyDictionary<Errno, GmemErrorCategory> CategoryByErrno = new Dictionary<Errno, GmemErrorCategory>
        {
            [Errno.EINVAL] = GmemErrorCategory.InvalidArgument,
            // A bad user address handed to the kernel: the caller's argument was wrong.
            [Errno.EFAULT] = GmemErrorCategory.InvalidArgument,
            [Errno.ERANGE] = GmemErrorCategory.InvalidArgument,
            // A file offset (or offset + length) beyond what the file can address.
            [Errno.EOVERFLOW] = GmemErrorCategory.InvalidArgument,
            [Errno.EEXIST] = GmemErrorCategory.ResourceExists,
            [Errno.EBUSY] = GmemErrorCategory.ResourceBusy,
            [Errno.EAGAIN] = GmemErrorCategory.ResourceBusy,
            [Errno.EINTR] = GmemErrorCategory.OperationStopped,
            [Errno.EACCES] = GmemErrorCategory.PermissionDenied,
            [Errno.EPERM] = GmemErrorCategory.PermissionDenied,
            [Errno.ENOTTY] = GmemErrorCategory.NotImplemented,
            [Errno.EOPNOTSUPP] = GmemErrorCategory.NotImplemented,
            [Errno.ENODEV] = GmemErrorCategory.NotImplemented,
            [Errno.ENOSYS] = GmemErrorCategory.NotImplemented,
            // A closed descriptor: the object is in the wrong state for the operation.
            [Errno.EBADF] = GmemErrorCategory.InvalidOperation,
            [Errno.ESPIPE] = GmemErrorCategory.InvalidOperation,
            [Errno.ENOMEM] = GmemErrorCategory.LimitsExceeded,
            [Errno.EFBIG] = GmemErrorCategory.LimitsExceeded,
            [Errno.E2BIG] = GmemErrorCategory.LimitsExceeded,
            [Errno.ENOSPC] = GmemErrorCategory.LimitsExceeded,
            [Errno.EMFILE] = GmemErrorCategory.LimitsExceeded,
            [Errno.EIO] = GmemErrorCategory.ReadError,
            [Errno.EHWPOISON] = GmemErrorCategory.DeviceError,
            [Errno.ENOENT] = GmemErrorCategory.ObjectNotFound,
        };

        private static readonly IReadOnlyDictionary<string, GmemErrorCategory> CategoryByLabErrorId = new Dictionary<string, GmemErrorCategory>
        {
            ["GmemObjectNotFound"] = GmemErrorCategory.ObjectNotFound,
            ["GmemForeignObject"] = GmemErrorCategory.InvalidArgument,
            ["GmemBackendMismatch"] = GmemErrorCategory.InvalidArgument,
            ["GmemRangeNotBacked"] = GmemErrorCategory.InvalidArgument,
            // The designs of src/GmemPS.Core/Designs: simulator only, and coherent combinations only.
            ["GmemDesignNotOnKvm"] = GmemErrorCategory.NotImplemented,
            ["GmemDesignConflict"] = GmemErrorCategory.InvalidArgument,
            ["GmemFileHasNoVm"] = GmemErrorCategory.InvalidArgument,
        };

        /// <summary>Scenario files: a malformed one is bad data; a session step no scenario can hold, an operation that cannot be done.</summary>
        private static readonly IReadOnlyDictionary<string, GmemErrorCategory> CategoryByScenarioErrorId = new Dictionary<string, GmemErrorCategory>
        {
            ["GmemScenarioInvalid"] = GmemErrorCategory.InvalidData,
            ["GmemScenarioStepUnsupported"] = GmemErrorCategory.InvalidOperation,
        };

        private static readonly IReadOnlyDictionary<string, GmemErrorCategory> CategoryByEnvironmentErrorId = new Dictionary<string, GmemErrorCategory>
        {
            ["KvmDeviceMissing"] = GmemErrorCategory.ResourceUnavailable,
            ["KvmPermissionDenied"] = GmemErrorCategory.PermissionDenied,
            ["CapabilityMissing"] = GmemErrorCategory.NotImplemented,
            ["KvmBackendNotBuilt"] = GmemErrorCategory.NotInstalled,
        };

        public static GmemErrorCategory CategoryOf(Errno errno) =>
            CategoryByErrno.TryGetValue(errno, out var category) ? category : GmemErrorCategory.NotSpecified;

        /// <summary>
        /// How a failure is reported, or null for exceptions GmemPS does not own (they propagate unchanged:
        /// a bug should look like one).
        /// </summary>
        /// <param name="writing">The command writes data (Write-GmemMemory, Write-GmemMemfd): an I/O failure is then a
        /// WriteError, as PowerShell's own writers report it, though the errno (EIO) is the same as a read's.</param>
        public static GmemErrorInfo? Classify(Exception exception, bool writing = false)
        {
            GmemErrorInfo? info = ClassifyIgnoringDirection(exception);
            return writing && info is { Category: GmemErrorCategory.ReadError }
                ? new GmemErrorInfo(info.ErrorId, GmemErrorCategory.WriteError, info.Terminating)
                : info;
        }

        private static GmemErrorInfo? ClassifyIgnoringDirection(Exception exception) => exception switch
        {
            // The kernel (or the simulator) refused one request: the rule id is the error id.
            GmemException e => new GmemErrorInfo(e.Rule.Id, CategoryOf(e.Errno), terminating: false),
            GmemLabException e => new GmemErrorInfo(e.ErrorId,
                CategoryByLabErrorId.TryGetValue(e.ErrorId, out var c) ? c : GmemErrorCategory.InvalidOperation, terminating: false),
            // No backend at all: nothing else this cmdlet does can work.
            GmemEnvironmentException e => new GmemErrorInfo(e.ErrorId,
                CategoryByEnvironmentErrorId.TryGetValue(e.ErrorId, out var c)
                    ? c
                    : e.Errno != Errno.None ? CategoryOf(e.Errno) : GmemErrorCategory.ResourceUnavailable,
                terminating: true),
            GmemUsageException e => new GmemErrorInfo(e.ErrorId, GmemErrorCategory.InvalidArgument, terminating: true),
            // One scenario file that cannot be read or written is that input's failure; the others still run.
            GmemPS.Scenarios.ScenarioFormatException e => new GmemErrorInfo(e.ErrorId,
                CategoryByScenarioErrorId.TryGetValue(e.ErrorId, out var c) ? c : GmemErrorCategory.InvalidData, terminating: false),
            ObjectDisposedException _ => new GmemErrorInfo("GmemSessionClosed", GmemErrorCategory.InvalidOperation, terminating: true),
            // The contract's own argument checks (e.g. a guest access must stay within one page).
            ArgumentException _ => new GmemErrorInfo("GmemArgumentOutOfRange", GmemErrorCategory.InvalidArgument, terminating: false),
            UnauthorizedAccessException _ => new GmemErrorInfo("GmemFileAccessDenied", GmemErrorCategory.PermissionDenied, terminating: false),
            FileNotFoundException _ => new GmemErrorInfo("GmemFileNotFound", GmemErrorCategory.ObjectNotFound, terminating: false),
            IOException _ => new GmemErrorInfo("GmemFileWriteFailed", GmemErrorCategory.WriteError, terminating: false),
            _ => null,
        };
    }
}
