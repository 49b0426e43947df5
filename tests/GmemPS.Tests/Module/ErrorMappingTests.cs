using System;
using System.IO;
using GmemPS.Infrastructure;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>The module's one table of how failures become PowerShell errors (plain C#, no PowerShell loaded).</summary>
    public class ErrorMappingTests
    {
        [Theory]
        [InlineData(Errno.EINVAL, GmemErrorCategory.InvalidArgument)]
        [InlineData(Errno.EEXIST, GmemErrorCategory.ResourceExists)]
        [InlineData(Errno.EBUSY, GmemErrorCategory.ResourceBusy)]
        [InlineData(Errno.EAGAIN, GmemErrorCategory.ResourceBusy)]
        [InlineData(Errno.EACCES, GmemErrorCategory.PermissionDenied)]
        [InlineData(Errno.EPERM, GmemErrorCategory.PermissionDenied)]
        [InlineData(Errno.ENOTTY, GmemErrorCategory.NotImplemented)]
        [InlineData(Errno.EOPNOTSUPP, GmemErrorCategory.NotImplemented)]
        [InlineData(Errno.ENODEV, GmemErrorCategory.NotImplemented)]
        [InlineData(Errno.EBADF, GmemErrorCategory.InvalidOperation)]
        [InlineData(Errno.ENOMEM, GmemErrorCategory.LimitsExceeded)]
        [InlineData(Errno.EFBIG, GmemErrorCategory.LimitsExceeded)]
        [InlineData(Errno.E2BIG, GmemErrorCategory.LimitsExceeded)]
        [InlineData(Errno.EIO, GmemErrorCategory.ReadError)]
        [InlineData(Errno.EFAULT, GmemErrorCategory.InvalidArgument)]
        public void Errno_maps_to_the_agreed_category(Errno errno, GmemErrorCategory expected) =>
            Assert.Equal(expected, GmemErrors.CategoryOf(errno));

        [Fact]
        public void Every_errno_GmemPS_knows_has_a_row()
        {
            foreach (Errno errno in Enum.GetValues<Errno>())
                if (errno != Errno.None)
                    Assert.True(GmemErrors.CategoryByErrno.ContainsKey(errno), $"{errno} has no ErrorCategory");
        }

        [Fact]
        public void Every_rule_of_the_catalogue_gets_its_own_id_and_a_specific_category()
        {
            foreach (var rule in KernelRules.Catalogue)
            {
                var info = GmemErrors.Classify(new GmemException(rule.Operation, rule, request: null))!;
                Assert.Equal(rule.Id, info.ErrorId);
                Assert.NotEqual(GmemErrorCategory.NotSpecified, info.Category);
                Assert.False(info.Terminating, $"{rule.Id}: a kernel refusal concerns one input object");
            }
        }

        [Fact]
        public void A_kvm_errno_explained_by_several_rules_keeps_the_combined_id()
        {
            var rule = KernelRules.Explain(KernelOperation.SetUserMemoryRegion2, Errno.EINVAL);
            var info = GmemErrors.Classify(new GmemException(KernelOperation.SetUserMemoryRegion2, rule, null))!;
            Assert.Equal("SetUserMemoryRegion2EINVAL", info.ErrorId);
            Assert.Equal(GmemErrorCategory.InvalidArgument, info.Category);
        }

        [Theory]
        [InlineData("GmemObjectNotFound", GmemErrorCategory.ObjectNotFound)]
        [InlineData("GmemForeignObject", GmemErrorCategory.InvalidArgument)]
        [InlineData("GmemRangeNotBacked", GmemErrorCategory.InvalidArgument)]
        [InlineData("GmemDesignNotOnKvm", GmemErrorCategory.NotImplemented)]
        [InlineData("GmemDesignConflict", GmemErrorCategory.InvalidArgument)]
        [InlineData("GmemFileHasNoVm", GmemErrorCategory.InvalidArgument)]
        public void Lab_refusals_are_non_terminating_with_their_id(string id, GmemErrorCategory expected)
        {
            var info = GmemErrors.Classify(new GmemLabException(id, "refused", "vm9"))!;
            Assert.Equal(id, info.ErrorId);
            Assert.Equal(expected, info.Category);
            Assert.False(info.Terminating);
        }

        [Theory]
        [InlineData("KvmDeviceMissing", GmemErrorCategory.ResourceUnavailable)]
        [InlineData("KvmPermissionDenied", GmemErrorCategory.PermissionDenied)]
        [InlineData("CapabilityMissing", GmemErrorCategory.NotImplemented)]
        public void Environment_failures_stop_the_command_with_their_id(string id, GmemErrorCategory expected)
        {
            var info = GmemErrors.Classify(new GmemEnvironmentException(id, "no kvm"))!;
            Assert.Equal(id, info.ErrorId);
            Assert.Equal(expected, info.Category);
            Assert.True(info.Terminating);
        }

        [Fact]
        public void An_unknown_environment_failure_falls_back_to_its_errno()
        {
            var info = GmemErrors.Classify(new GmemEnvironmentException("KvmOpenFailed", "busy", Errno.EBUSY))!;
            Assert.Equal(GmemErrorCategory.ResourceBusy, info.Category);
            Assert.True(info.Terminating);
        }

        [Theory]
        [InlineData("GmemScenarioInvalid", GmemErrorCategory.InvalidData)]
        [InlineData("GmemScenarioStepUnsupported", GmemErrorCategory.InvalidOperation)]
        public void A_scenario_file_that_cannot_be_read_or_written_is_that_inputs_error(string id, GmemErrorCategory expected)
        {
            var info = GmemErrors.Classify(new GmemPS.Scenarios.ScenarioFormatException(id, "bad"))!;
            Assert.Equal((id, expected, false), (info.ErrorId, info.Category, info.Terminating));
            var missing = GmemErrors.Classify(new FileNotFoundException("no such scenario", "x.json"))!;
            Assert.Equal(("GmemFileNotFound", GmemErrorCategory.ObjectNotFound, false), (missing.ErrorId, missing.Category, missing.Terminating));
        }

        [Fact]
        public void Usage_errors_and_a_closed_session_are_terminating_other_exceptions_are_not_ours()
        {
            Assert.True(GmemErrors.Classify(new GmemUsageException("GmemProfileUnknown", "no such profile"))!.Terminating);
            Assert.Equal("GmemSessionClosed", GmemErrors.Classify(new ObjectDisposedException("GmemLab"))!.ErrorId);
            Assert.False(GmemErrors.Classify(new ArgumentOutOfRangeException("length"))!.Terminating);
            Assert.Equal(GmemErrorCategory.WriteError, GmemErrors.Classify(new IOException("disk full"))!.Category);
            // One errno, two directions: a command that writes reports EIO as PowerShell's writers do.
            var eio = new GmemException(KernelOperation.HostAccess, KernelRules.HostAccessNotShared, "host write");
            Assert.Equal(GmemErrorCategory.ReadError, GmemErrors.Classify(eio)!.Category);
            Assert.Equal(GmemErrorCategory.WriteError, GmemErrors.Classify(eio, writing: true)!.Category);
            Assert.Null(GmemErrors.Classify(new InvalidCastException()));
            Assert.Null(GmemErrors.Classify(new NullReferenceException()));
        }
    }
}
