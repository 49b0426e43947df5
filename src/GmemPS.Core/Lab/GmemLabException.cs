using System;

namespace GmemPS.Lab
{
    /// <summary>A lab-level refusal (unknown id, object of another lab, object already closed by the lab).</summary>
    public sealed class GmemLabException : Exception
    {
        public GmemLabException(string errorId, string message, object? target) : base(message)
        {
            ErrorId = errorId;
            Target = target;
        }

        /// <summary>GmemObjectNotFound, GmemForeignObject, GmemBackendMismatch.</summary>
        public string ErrorId { get; }
        public object? Target { get; }
    }
}
