using GmemPS.Kernel;
using Xunit;

namespace GmemPS.Tests
{
    public class HexFormattingTests
    {
        [Theory]
        [InlineData(0x200000UL, "0x200000 (2 MiB)")]
        [InlineData(4097UL, "0x1001")]
        [InlineData(512UL, "0x200 (512 B)")]
        public void Sizes_print_hex_and_exact_binary_units(ulong value, string expected) =>
            Assert.Equal(expected, Hex.Size(value));

        [Fact]
        public void Capability_names_follow_the_uapi() =>
            Assert.Equal("GUEST_MEMFD_FLAGS", CapabilityNames.Of(Capability.GuestMemfdFlags));
    }
}
