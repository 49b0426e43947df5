using System.Runtime.InteropServices;
using GmemPS.Kernel;

namespace GmemPS.Kvm.Native
{
    /// <summary>Turns the errno of the last libc call into the contract's failure, unchanged.</summary>
    internal static class Errors
    {
        /// <summary>errno of the last P/Invoke declared with SetLastError (on Linux the runtime stores errno).</summary>
        public static Errno Last() => (Errno)Marshal.GetLastWin32Error();

        /// <summary>The kernel refused: explain (operation, errno) from the rule catalogue; no guessing which rule.</summary>
        public static GmemException Refused(KernelOperation operation, Errno errno, object? request) =>
            new GmemException(operation, KernelRules.Explain(operation, errno), request);

        public static GmemException LastRefused(KernelOperation operation, object? request) =>
            Refused(operation, Last(), request);
    }
}
