using System;
using System.IO;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Support
{
    /// <summary>
    /// Opens the real backend for a test, or skips saying why. Every such skip starts with KVM-UNAVAILABLE,
    /// which test.sh turns into a failure on a machine whose /dev/kvm is usable: there the Kvm tests must run.
    /// </summary>
    public static class KvmAvailability
    {
        public const string SkipMarker = "KVM-UNAVAILABLE";

        public static KvmHost OpenOrSkip()
        {
            if (!File.Exists("/dev/kvm"))
                Assert.Skip($"{SkipMarker}: /dev/kvm does not exist on this machine");
            try
            {
                return KvmHost.Open();
            }
            catch (GmemEnvironmentException e) when (e.ErrorId == "KvmPermissionDenied" || e.ErrorId == "KvmDeviceMissing")
            {
                Assert.Skip($"{SkipMarker}: {e.Message}");
                throw new InvalidOperationException("unreachable");
            }
        }
    }
}
