using System;

namespace GmemPS.Kernel
{
    /// <summary>
    /// The one failure type of the contract: the kernel (or the simulator standing in for it) refused a
    /// request. Carries the Linux errno, the operation, the request as given and the rule that explains it.
    /// </summary>
    public sealed class GmemException : Exception
    {
        public GmemException(KernelOperation operation, KernelRule rule, object? request, string? detail = null, Exception? inner = null)
            : base(Compose(operation, rule, request, detail), inner)
        {
            Operation = operation;
            Rule = rule;
            Request = request;
            Detail = detail;
        }

        public Errno Errno => Rule.Errno;
        public KernelOperation Operation { get; }
        public KernelRule Rule { get; }
        /// <summary>The request as it was passed (a request struct, or the object operated on).</summary>
        public object? Request { get; }
        /// <summary>The values that broke the rule, when the backend knows them (the simulator does).</summary>
        public string? Detail { get; }

        /// <summary>A closed descriptor: the kernel answers EBADF for any operation on it.</summary>
        public static GmemException Closed(KernelOperation operation, string what) =>
            new GmemException(operation, KernelRules.DescriptorClosed, what, $"{what} is closed");

        private static string Compose(KernelOperation operation, KernelRule rule, object? request, string? detail)
        {
            string call = KernelOperationNames.Of(operation);
            string args = request == null ? string.Empty : $" ({request})";
            string why = detail == null ? rule.Text : $"{rule.Text} [{detail}]";
            return $"{call}{args} failed with {rule.Errno} ({(int)rule.Errno}): {why}.";
        }
    }

    /// <summary>The host cannot provide a backend at all (no /dev/kvm, no permission, capability missing).</summary>
    public sealed class GmemEnvironmentException : Exception
    {
        public GmemEnvironmentException(string errorId, string message, Errno errno = Errno.None, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Errno = errno;
        }

        /// <summary>Stable id: KvmDeviceMissing, KvmPermissionDenied, CapabilityMissing.</summary>
        public string ErrorId { get; }
        public Errno Errno { get; }

        public static GmemEnvironmentException CapabilityMissing(Capability capability, long value, string need) =>
            new GmemEnvironmentException("CapabilityMissing",
                $"This host lacks {need}: KVM_CHECK_EXTENSION(KVM_CAP_{CapabilityNames.Of(capability)} = {(int)capability}) returned {value}.");
    }
}
