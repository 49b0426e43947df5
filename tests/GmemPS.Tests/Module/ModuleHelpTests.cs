using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>
    /// The MAML help shipped in out/GmemPS/en-US covers the built module: every cmdlet has a synopsis, a
    /// description and an example; every parameter of every cmdlet is described, and the syntax lists each
    /// parameter set with its parameters (the checks PSScriptAnalyzer's ModuleHelp tests make in pwsh).
    /// </summary>
    public class ModuleHelpTests
    {
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private static readonly Lazy<Dictionary<string, XElement>> Help = new Lazy<Dictionary<string, XElement>>(() =>
            XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, "en-US", "GmemPS.dll-Help.xml"))
                .Descendants(Command + "command")
                .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim(), StringComparer.OrdinalIgnoreCase));

        public static TheoryData<string> CmdletNames() =>
            new TheoryData<string>(BuiltModule.Instance.Cmdlets.Select(c => c.Name));

        [Fact]
        public void Help_files_are_shipped_and_name_only_real_cmdlets()
        {
            Assert.True(File.Exists(Path.Combine(BuiltModule.ModuleDirectory, "en-US", "about_GmemPS.help.txt")));
            var cmdlets = BuiltModule.Instance.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.All(Help.Value.Keys, name => Assert.Contains(name, cmdlets));
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Cmdlet_has_synopsis_description_and_an_example(string name)
        {
            Assert.True(Help.Value.TryGetValue(name, out var help), $"{name} has no MAML help");
            var c = BuiltModule.Instance.Cmdlet(name);
            var details = help!.Element(Command + "details")!;
            Assert.Equal(c.Verb, details.Element(Command + "verb")?.Value);
            Assert.Equal(c.Noun, details.Element(Command + "noun")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(details.Element(Maml + "description")?.Value), $"{name}: no synopsis");
            Assert.False(string.IsNullOrWhiteSpace(help.Element(Maml + "description")?.Value), $"{name}: no description");
            var examples = help.Element(Command + "examples")?.Elements(Command + "example").ToList() ?? new List<XElement>();
            Assert.True(examples.Count > 0, $"{name}: no example");
            foreach (var example in examples)
            {
                Assert.Contains(name, example.Element(Dev + "code")!.Value, StringComparison.OrdinalIgnoreCase);
                Assert.False(string.IsNullOrWhiteSpace(example.Element(Dev + "remarks")?.Value), $"{name}: an example without remarks");
            }
            Assert.NotEmpty(help.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Every_parameter_is_described_and_no_stale_one_is(string name)
        {
            var c = BuiltModule.Instance.Cmdlet(name);
            var help = Help.Value[name];
            var described = help.Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), p => p, StringComparer.OrdinalIgnoreCase);
            foreach (var p in c.Parameters)
            {
                Assert.True(described.TryGetValue(p.Name, out var element), $"{name} -{p.Name} is not in the help");
                Assert.False(string.IsNullOrWhiteSpace(element!.Element(Maml + "description")?.Value), $"{name} -{p.Name} has no description");
                bool mandatoryAnywhere = p.Sets.Any(s => s.Mandatory);
                bool pipeline = p.Sets.Any(s => s.ByValue || s.ByPropertyName);
                Assert.Equal(pipeline, element.Attribute("pipelineInput")!.Value.StartsWith("True", StringComparison.Ordinal));
                if (!mandatoryAnywhere) Assert.Equal("false", element.Attribute("required")!.Value);
            }
            var common = new[] { "WhatIf", "Confirm" };
            foreach (string documented in described.Keys.Where(k => !common.Contains(k)))
                Assert.True(c.Parameters.Any(p => p.Answers(documented)), $"{name} help describes -{documented}, which the cmdlet does not have");
            Assert.Equal(c.SupportsShouldProcess, described.ContainsKey("WhatIf"));
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Syntax_lists_each_parameter_set_with_its_parameters(string name)
        {
            var c = BuiltModule.Instance.Cmdlet(name);
            var items = Help.Value[name].Element(Command + "syntax")!.Elements(Command + "syntaxItem")
                .Select(i => i.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value.Trim())
                    .Where(n => n != "WhatIf" && n != "Confirm").ToHashSet(StringComparer.OrdinalIgnoreCase))
                .ToList();
            Assert.Equal(c.ParameterSets.Count, items.Count);
            foreach (string set in c.ParameterSets)
            {
                var expected = c.Parameters.Where(p => p.IsIn(set)).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                Assert.True(items.Any(i => i.SetEquals(expected)), $"{name}: no syntax item lists set {set} ({string.Join(", ", expected)})");
            }
        }
    }
}
