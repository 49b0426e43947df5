using System.IO;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    public class EnvironmentErrorTests
    {
        [Fact]
        public void A_missing_device_is_KvmDeviceMissing_with_ENOENT()
        {
            var e = Assert.Throws<GmemEnvironmentException>(() => KvmHost.Open("/nonexistent/kvm"));
            Assert.Equal("KvmDeviceMissing", e.ErrorId);
            Assert.Equal(Errno.ENOENT, e.Errno);
            Assert.Contains("/nonexistent/kvm", e.Message);
        }

        [Fact]
        public void A_device_that_refuses_read_write_is_KvmPermissionDenied()
        {
            // sysfs refuses O_RDWR on a read-only attribute with EACCES even for root: a stand-in for a
            // /dev/kvm this user may not open.
            const string readOnlyAttribute = "/sys/devices/system/cpu/online";
            if (!File.Exists(readOnlyAttribute)) Assert.Skip($"{readOnlyAttribute} is absent here");
            var e = Assert.Throws<GmemEnvironmentException>(() => KvmHost.Open(readOnlyAttribute));
            Assert.Equal("KvmPermissionDenied", e.ErrorId);
            Assert.Equal(Errno.EACCES, e.Errno);
        }

        [Fact]
        public void A_device_that_is_not_kvm_is_CapabilityMissing()
        {
            var e = Assert.Throws<GmemEnvironmentException>(() => KvmHost.Open("/dev/null"));
            Assert.Equal("CapabilityMissing", e.ErrorId);
            Assert.Contains("KVM_CAP_USER_MEMORY2", e.Message);
        }

        [Fact]
        public void The_real_device_opens_and_answers_the_capabilities_of_kernel_facts()
        {
            using var host = KvmTestHost.OpenOrSkip();
            Assert.Equal("Kvm", host.BackendName);
            Assert.True(host.Fd >= 0);
            Assert.Equal(1, host.CheckExtension(Capability.UserMemory2));
            Assert.Equal(1, host.CheckExtension(Capability.GuestMemfd));
            Assert.Equal(3, host.CheckExtension(Capability.GuestMemfdFlags));
        }
    }
}
