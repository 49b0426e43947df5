using System.Collections.Generic;
using System.Linq;
using GmemPS.Infrastructure;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>The matching behind the argument completers and the Get- cmdlets' wildcards.</summary>
    public class IdCompletionTests
    {
        private static readonly KeyValuePair<string, string>[] Vms =
            new[] { "vm10", "vm2", "vm0", "vm1" }.Select(id => new KeyValuePair<string, string>(id, id + " tip")).ToArray();

        private static string[] Complete(string word, IEnumerable<KeyValuePair<string, string>>? candidates = null) =>
            IdCompletion.Complete(word, candidates ?? Vms).Select(i => i.CompletionText).ToArray();

        [Fact]
        public void Empty_word_offers_everything_in_natural_order() =>
            Assert.Equal(new[] { "vm0", "vm1", "vm2", "vm10" }, Complete(""));

        [Fact]
        public void Partial_word_is_a_case_insensitive_prefix() =>
            Assert.Equal(new[] { "vm1", "vm10" }, Complete("VM1"));

        [Theory]
        [InlineData("'vm1", new[] { "'vm1'", "'vm10'" })]
        [InlineData("\"vm1", new[] { "\"vm1\"", "\"vm10\"" })]
        [InlineData("'vm1'", new[] { "'vm1'", "'vm10'" })]
        [InlineData("\u2018vm2", new[] { "'vm2'" })]
        public void Quoted_partial_input_keeps_its_quotes(string word, string[] expected) =>
            Assert.Equal(expected, Complete(word));

        [Theory]
        [InlineData("*1*", new[] { "vm1", "vm10" })]
        [InlineData("vm?", new[] { "vm0", "vm1", "vm2", "vm10" })]
        [InlineData("vm[02]", new[] { "vm0", "vm2" })]
        public void Wildcards_match_like_PowerShell(string word, string[] expected) =>
            Assert.Equal(expected.OrderBy(x => x, Comparer<string>.Create(IdPattern.CompareNatural)), Complete(word));

        [Fact]
        public void Nothing_matching_offers_nothing() => Assert.Empty(Complete("gmem"));

        [Fact]
        public void Ids_that_would_not_parse_bare_are_quoted_and_tooltips_kept()
        {
            var odd = new[] { new KeyValuePair<string, string>("my vm", "tip"), new KeyValuePair<string, string>("it's", "") };
            var items = IdCompletion.Complete("", odd);
            Assert.Equal(new[] { "'it''s'", "'my vm'" }, items.Select(i => i.CompletionText));
            Assert.Equal(new[] { "it's", "tip" }, items.Select(i => i.ToolTip));
            Assert.Equal("vm0/slot3", IdCompletion.Quote("vm0/slot3", '\0'));
            Assert.Equal("\"a`$b\"", IdCompletion.Quote("a$b", '"'));
        }

        [Theory]
        [InlineData("vm*", "VM12", true)]
        [InlineData("vm?", "vm12", false)]
        [InlineData("vm0/slot[1-3]", "vm0/slot2", true)]
        [InlineData("vm0/slot[1-3]", "vm0/slot4", false)]
        [InlineData("a`*", "a*", true)]
        [InlineData("a`*", "ab", false)]
        [InlineData("Pages*", "PagesFreed", true)]
        [InlineData("*", "", true)]
        [InlineData("gmem0", "GMEM0", true)]
        public void IdPattern_matches(string pattern, string value, bool expected) =>
            Assert.Equal(expected, IdPattern.IsMatch(pattern, value));

        [Theory]
        [InlineData("vm0", false)]
        [InlineData("vm*", true)]
        [InlineData("vm[0]", true)]
        [InlineData("vm`*", false)]
        public void IdPattern_knows_a_wildcard(string pattern, bool expected) =>
            Assert.Equal(expected, IdPattern.HasWildcards(pattern));
    }
}
