using System.Linq;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Examples
{
    /// <summary>
    /// Twin of examples/design-in-place-conversion.ps1 (seed B, scenarios 13-19): RFC v5's per-page mappability and
    /// final-put callback, the speculative reference, punch-while-pending, and the 2026 KVM_SET_MEMORY_ATTRIBUTES2.
    /// Same steps through GmemLab on the Simulator; every claim of the script is asserted here.
    /// </summary>
    public class InPlaceConversionTwinTests
    {
        private const ulong MiB = ExampleSession.MiB;
        private const long Page = 4096;

        private static LabFile ConversionFile(GmemLab lab, DesignPolicies designs)
        {
            var vm = lab.CreateVm(designs: designs);
            var file = lab.CreateFile(vm, 2 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            lab.Bind(file, 0);
            return file;
        }

        private static DesignPolicies Rfc5 => DesignPolicies.Upstream with { ConversionModel = ConversionModel.FolioCallback };

        private static string StateAt(GmemLab lab, LabFile file, long offset) => lab.SelectPageStates(file, offset, Page).Single().State.ToString();

        private static GmemException Refusal(GmemLab lab, LabFile file, long offset, long length, ConversionTarget to,
            ConversionContent content = ConversionContent.Unspecified) =>
            ExampleSession.Refusal(() => lab.ConvertFileRange(file, (ulong)offset, (ulong)length, to, content));

        [Fact]
        public void Upstream_refuses_a_conversion_on_the_file()
        {
            using var s = new ExampleSession();
            var upstream = s.Lab.CreateFile(s.Lab.CreateVm(), 2 * MiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            Assert.Equal("GmemAttributes2NotSupported", Refusal(s.Lab, upstream, 0, Page, ConversionTarget.Private).Rule.Id);
        }

        [Fact]
        public void Scenarios_13_and_14_rfc_v5_mapped_and_pinned_pages()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var file = ConversionFile(lab, Rfc5);
            lab.HostWrite(file, 0x3000, new byte[] { 1 });
            var refusal = Refusal(lab, file, 0x3000, Page, ConversionTarget.Private);
            Assert.Equal((Errno.EAGAIN, "UnshareHostMapped", "Shared"), (refusal.Errno, refusal.Rule.Id, StateAt(lab, file, 0x3000)));
            lab.DropHostMappings(file, 0x3000, Page);
            lab.ConvertFileRange(file, 0x3000, (ulong)Page, ConversionTarget.Private);
            Assert.Equal("Private", StateAt(lab, file, 0x3000));

            var pin = lab.TakeHostReference(file, 0x4000, Page, HostReferenceKind.Pin);
            Assert.Equal("UnshareDeferred", Refusal(lab, file, 0x4000, Page, ConversionTarget.Private).Rule.Id);
            Assert.Equal("Pending", StateAt(lab, file, 0x4000));
            Assert.Equal(Errno.EIO, ExampleSession.Refusal(() => lab.HostRead(file, 0x4000, 1)).Errno);
            s.Mark();
            lab.ReleaseHostReference(pin);
            Assert.Single(s.Since<FinalPutCallback>());
            Assert.Equal("Private", StateAt(lab, file, 0x4000));
        }

        [Theory]
        [InlineData(RefcountCheck.Plain)]
        [InlineData(RefcountCheck.Frozen)]
        public void Scenario_15_a_speculative_reference_during_the_check(RefcountCheck check)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var f = ConversionFile(lab, Rfc5 with { RefcountCheck = check });
            lab.TakeHostReference(f, 0x6000, Page, HostReferenceKind.Speculative);
            s.Mark();
            var refusal = Refusal(lab, f, 0x6000, Page, ConversionTarget.Private);
            if (check == RefcountCheck.Plain)
            {
                Assert.Equal(Errno.EAGAIN, refusal.Errno);
                Assert.Single(s.Since<SpuriousRefcountFailure>());
                Assert.Equal("Private", StateAt(lab, f, 0x6000));
                return;
            }
            Assert.Equal(("UnshareFreezeFailed", "Shared"), (refusal.Rule.Id, StateAt(lab, f, 0x6000)));
            lab.ConvertFileRange(f, 0x6000, (ulong)Page, ConversionTarget.Private);
            Assert.Equal("Private", StateAt(lab, f, 0x6000));
        }

        [Theory]
        [InlineData(PendingPunch.CallbackOnRemovedFolio)]
        [InlineData(PendingPunch.ResetOnRemoval)]
        public void Scenario_16_punch_a_pending_page_then_drop_its_pin(PendingPunch punch)
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var f = ConversionFile(lab, Rfc5 with { PendingPunch = punch });
            var p = lab.TakeHostReference(f, 0x7000, Page, HostReferenceKind.Pin);
            Refusal(lab, f, 0x7000, Page, ConversionTarget.Private);
            s.Mark();
            lab.PunchHole(f, 0x7000, Page);
            lab.ReleaseHostReference(p);
            bool crash = punch == PendingPunch.CallbackOnRemovedFolio;
            Assert.Equal((crash ? 1 : 0, crash ? 0 : 1), (s.Since<CallbackOnRemovedFolio>().Count, s.Since<PendingConversionReset>().Count));
        }

        [Fact]
        public void Scenarios_17_to_19_attributes2_on_the_file()
        {
            using var s = new ExampleSession();
            var lab = s.Lab;
            var g = ConversionFile(lab, DesignPolicies.Upstream with { ConversionModel = ConversionModel.GmemAttributes2 });
            lab.HostWrite(g, 0x8000, new byte[] { 0x11 });
            s.Mark();
            lab.ConvertFileRange(g, 0x8000, (ulong)Page, ConversionTarget.Private);
            Assert.Single(s.Since<HostMappingsZapped>());
            Assert.Equal(Errno.EIO, ExampleSession.Refusal(() => lab.HostRead(g, 0x8000, 1)).Errno);

            var iommu = lab.TakeHostReference(g, 0x3000, 2 * Page, HostReferenceKind.Pin);
            var refusal = Refusal(lab, g, 0, 8 * Page, ConversionTarget.Private);
            Assert.Equal(Errno.EAGAIN, refusal.Errno);
            Assert.Contains("error_offset 0x3000", refusal.Message);
            lab.ReleaseHostReference(iommu);
            lab.ConvertFileRange(g, 0, (ulong)(8 * Page), ConversionTarget.Private);
            Assert.Equal("Private", StateAt(lab, g, 0x3000));

            Assert.True(lab.GuestWrite(g.Vm!, 0x1000, Enumerable.Repeat((byte)0x5a, 16).ToArray()).Completed);
            lab.ConvertFileRange(g, 0x1000, (ulong)Page, ConversionTarget.Shared, ConversionContent.Zero);
            Assert.Equal(new byte[16], lab.HostRead(g, 0x1000, 16));
            Assert.Equal(Errno.EOPNOTSUPP, Refusal(lab, g, 0x1000, Page, ConversionTarget.Private, ConversionContent.Zero).Errno);
        }
    }
}
