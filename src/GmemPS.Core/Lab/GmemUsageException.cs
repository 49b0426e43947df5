using System;

namespace GmemPS.Lab
{
    /// <summary>
    /// A request the module refuses before any backend sees it: an unknown host profile, a parameter combination
    /// that names nothing (terminating, InvalidArgument, in PowerShell).
    /// </summary>
    public sealed class GmemUsageException : ArgumentException
    {
        public GmemUsageException(string errorId, string message, string? parameterName = null) : base(message, parameterName)
        {
            ErrorId = errorId;
        }

        public string ErrorId { get; }
    }
}
