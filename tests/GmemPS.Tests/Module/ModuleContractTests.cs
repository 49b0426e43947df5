using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using GmemPS.Infrastructure;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>
    /// The PowerShell contract of the built module (out/GmemPS), checked on metadata alone: what pwsh would
    /// see on Import-Module, without running PowerShell.
    /// </summary>
    public class ModuleContractTests
    {
        private static BuiltModule Module => BuiltModule.Instance;

        // PowerShell's approved verbs: the constants of VerbsCommon, VerbsCommunications, VerbsData,
        // VerbsDiagnostic, VerbsLifecycle, VerbsSecurity and VerbsOther (src/System.Management.Automation/utils/Verbs.cs).
        private static readonly HashSet<string> ApprovedVerbs = new HashSet<string>(StringComparer.Ordinal)
        {
            // Common
            "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move",
            "New", "Open", "Optimize", "Push", "Pop", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select",
            "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
            // Communications
            "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
            // Data
            "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit",
            "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore",
            "Save", "Sync", "Unpublish", "Update",
            // Diagnostic
            "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
            // Lifecycle
            "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install",
            "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall",
            "Unregister", "Wait",
            // Security
            "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
            // Other
            "Use",
        };

        private static readonly string[] StateChangingVerbs = { "New", "Add", "Set", "Remove", "Close", "Write", "Export" };

        /// <summary>The cmdlets of the agreed spec (/tmp/spec/cmdlets.md), by name.</summary>
        private static readonly string[] SpecCmdlets =
        {
            "New-GmemVm", "Get-GmemVm", "Remove-GmemVm", "Get-GmemCapability", "New-GmemFile", "Get-GmemFile",
            "Close-GmemFile", "Add-Memslot", "Get-Memslot", "Remove-Memslot", "Add-GmemRange", "Remove-GmemRange",
            "Set-GmemPrivate", "Set-GmemShared", "Get-GmemAttribute", "Read-GmemMemory", "Write-GmemMemory",
            "Invoke-GuestAccess", "Get-GmemEvent", "Show-GmemMap", "Export-GmemMap",
        };

        /// <summary>The cmdlets the design issue adds where a new object appears (seeds-and-peers.md, seeds B-E).</summary>
        private static readonly string[] DesignCmdlets =
        {
            "Convert-GmemFileRange", "Get-GmemPageState", "New-GmemHostReference", "Remove-GmemHostReference", "Clear-GmemHostMapping",
            "New-GmemMemfd", "Add-GmemMemfdSeal", "Write-GmemMemfd", "Set-GmemMemfdSize", "Start-GmemGuestFault", "Complete-GmemGuestFault",
            "New-GmemKvmVfioDevice", "New-GmemVfioDevice", "Close-GmemVfioDevice", "Close-GmemKvmVfioDevice", "Invoke-GmemWorkQueue",
            "Test-GmemKvmModuleUnload",
        };

        /// <summary>The cmdlets of the trust issue: record, replay and compare scenarios.</summary>
        private static readonly string[] ScenarioCmdlets = { "Export-GmemScenario", "Invoke-GmemScenario", "Compare-GmemScenario" };

        /// <summary>The Get- cmdlets of "The real shell is the judge": every design object can be found by its id.</summary>
        private static readonly string[] QueryCmdlets = { "Get-GmemMemfd", "Get-GmemHostReference", "Get-GmemKvmVfioDevice", "Get-GmemVfioDevice", "Get-GmemGuestFault", "Get-GmemPageResidency" };

        private static IEnumerable<string> AllCmdlets => SpecCmdlets.Concat(DesignCmdlets).Concat(ScenarioCmdlets).Concat(QueryCmdlets);

        public static TheoryData<string> CmdletNames() => new TheoryData<string>(AllCmdlets);

        [Fact]
        public void The_dll_defines_exactly_the_spec_design_and_scenario_cmdlets_each_a_sealed_Command_class_in_GmemPS_Commands()
        {
            Assert.Equal(AllCmdlets.OrderBy(n => n, StringComparer.Ordinal), Module.Cmdlets.Select(c => c.Name));
            foreach (var c in Module.Cmdlets)
            {
                Assert.True(c.Type.IsSealed, $"{c.Type.Name} is not sealed");
                Assert.Equal("GmemPS.Commands", c.Type.Namespace);
                Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
                Assert.Equal("GmemPS.Infrastructure.GmemCmdletBase",
                    Ancestors(c.Type).Select(t => t.FullName).FirstOrDefault(n => n == "GmemPS.Infrastructure.GmemCmdletBase"));
            }
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Verb_is_approved(string name) =>
            Assert.Contains(Module.Cmdlet(name).Verb, ApprovedVerbs);

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Declares_an_OutputType_of_a_real_type(string name)
        {
            var c = Module.Cmdlet(name);
            Assert.NotEmpty(c.OutputTypes);
            Assert.All(c.OutputTypes, t => Assert.False(string.IsNullOrEmpty(t.FullName)));
        }

        /// <summary>
        /// Everything a cmdlet changes lives in the session's lab and goes with it, so nothing is High impact: High would
        /// make every script pass -Confirm:$false, and under pwsh -NonInteractive skip the change with an error.
        /// </summary>
        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void State_changing_cmdlets_support_ShouldProcess_and_none_asks_with_High_impact(string name)
        {
            var c = Module.Cmdlet(name);
            if (StateChangingVerbs.Contains(c.Verb))
                Assert.True(c.SupportsShouldProcess, $"{name} changes state but does not declare SupportsShouldProcess");
            int high = (int)Module.SmaType("ConfirmImpact").GetField("High")!.GetRawConstantValue()!;
            Assert.NotEqual(high, c.ConfirmImpact);
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Each_parameter_set_has_exactly_one_ValueFromPipeline_parameter(string name)
        {
            var c = Module.Cmdlet(name);
            foreach (string set in c.ParameterSets)
            {
                var byValue = c.Parameters.Where(p => p.In(set)?.ByValue == true).Select(p => p.Name).ToList();
                Assert.True(byValue.Count == 1, $"{name} set {set} has {byValue.Count} ValueFromPipeline parameters: {string.Join(", ", byValue)}");
            }
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Add_Set_Remove_Close_and_Write_offer_PassThru_and_New_does_not_need_it(string name)
        {
            var c = Module.Cmdlet(name);
            bool passThru = c.Parameters.Any(p => p.Name == "PassThru" && p.Type.FullName == "System.Management.Automation.SwitchParameter");
            if (new[] { "Add", "Set", "Remove", "Close", "Write" }.Contains(c.Verb)) Assert.True(passThru, $"{name} lacks -PassThru");
            if (c.Verb == "New") Assert.False(passThru, $"{name} always outputs the new object; -PassThru means nothing there");
        }

        [Fact]
        public void Defaulted_parameter_sets_name_a_real_set_and_positions_are_unambiguous()
        {
            foreach (var c in Module.Cmdlets)
            {
                if (c.DefaultParameterSet != null) Assert.Contains(c.DefaultParameterSet, c.ParameterSets);
                foreach (string set in c.ParameterSets)
                {
                    var positions = c.Parameters.Select(p => p.In(set)).Where(e => e != null && e.Position >= 0).Select(e => e!.Position).ToList();
                    Assert.True(positions.Count == positions.Distinct().Count(), $"{c.Name} set {set} repeats a position");
                }
            }
        }

        [Fact]
        public void No_parameter_reuses_a_common_parameter_name()
        {
            string[] common = { "Confirm", "Debug", "ErrorAction", "ErrorVariable", "InformationAction", "InformationVariable",
                "OutBuffer", "OutVariable", "PipelineVariable", "ProgressAction", "Verbose", "WarningAction", "WarningVariable", "WhatIf" };
            foreach (var c in Module.Cmdlets)
                foreach (var p in c.Parameters)
                    Assert.DoesNotContain(p.Name, common);
        }

        // ---- the pipelines of the spec ----

        /// <summary>One command of a pipeline and the parameters the user names on it (positional ones by name).</summary>
        public sealed record Stage(string Cmdlet, params string[] Named);

        public static TheoryData<string, Stage[]> SpecPipelines() => new TheoryData<string, Stage[]>
        {
            { "New-GmemVm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru | Remove-GmemRange -Offset 0 -Length 4KB",
                new[] { new Stage("New-GmemVm"), new Stage("New-GmemFile", "Size"), new Stage("Add-Memslot", "Gpa", "PassThru"),
                        new Stage("Remove-GmemRange", "Offset", "Length") } },
            { "New-GmemVm | New-GmemFile -Size 4MB -Mmap -InitShared | Add-GmemRange -PassThru | Write-GmemMemory -Value (1,2,3) -PassThru | Read-GmemMemory -Count 3",
                new[] { new Stage("New-GmemVm"), new Stage("New-GmemFile", "Size", "Mmap", "InitShared"), new Stage("Add-GmemRange", "PassThru"),
                        new Stage("Write-GmemMemory", "Value", "PassThru"), new Stage("Read-GmemMemory", "Count") } },
            { "Get-GmemVm vm0 | Get-Memslot | Remove-Memslot -Confirm:$false",
                new[] { new Stage("Get-GmemVm", "Id"), new Stage("Get-Memslot"), new Stage("Remove-Memslot") } },
            { "Get-Memslot -Vm vm0 | Set-GmemPrivate", new[] { new Stage("Get-Memslot", "Vm"), new Stage("Set-GmemPrivate") } },
            { "Get-GmemFile | Close-GmemFile", new[] { new Stage("Get-GmemFile"), new Stage("Close-GmemFile") } },
            { "Get-GmemVm | Get-GmemEvent", new[] { new Stage("Get-GmemVm"), new Stage("Get-GmemEvent") } },
            { "Get-GmemVm | Show-GmemMap", new[] { new Stage("Get-GmemVm"), new Stage("Show-GmemMap") } },
            // Not in the spec's list, but its text promises it: piping a memslot punches that slot's file range.
            { "Get-Memslot | Remove-GmemRange", new[] { new Stage("Get-Memslot"), new Stage("Remove-GmemRange") } },
        };

        [Theory]
        [MemberData(nameof(SpecPipelines))]
        public void Spec_pipeline_binds(string pipeline, Stage[] stages)
        {
            for (int i = 1; i < stages.Length; i++)
            {
                var up = Module.Cmdlet(stages[i - 1].Cmdlet);
                var down = Module.Cmdlet(stages[i].Cmdlet);
                string? how = PipelineBinding.Explain(up, down, stages[i].Named);
                Assert.True(how != null, $"In '{pipeline}': no output of {up.Name} ({string.Join(", ", up.OutputTypes.Select(t => t.Name))}) binds to {down.Name} {string.Join(" ", stages[i].Named.Select(n => "-" + n))}");
            }
        }

        // ---- the manifest, formats and types ----

        [Fact]
        public void Manifest_exports_exactly_the_cmdlets_of_the_dll_and_names_its_files()
        {
            Assert.Equal(Module.Cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal),
                BuiltModule.ManifestList("CmdletsToExport").OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal("GmemPS.dll", BuiltModule.ManifestValue("RootModule"));
            Assert.Equal(new[] { "Core" }, BuiltModule.ManifestList("CompatiblePSEditions"));
            Assert.Equal("7.4", BuiltModule.ManifestValue("PowerShellVersion"));
            Assert.Empty(BuiltModule.ManifestList("FunctionsToExport"));
            Assert.Empty(BuiltModule.ManifestList("AliasesToExport"));
            foreach (string file in BuiltModule.ManifestList("FormatsToProcess").Concat(BuiltModule.ManifestList("TypesToProcess")))
                Assert.True(File.Exists(Path.Combine(BuiltModule.ModuleDirectory, file)), $"{file} is listed in the manifest but not in out/GmemPS");
            Assert.NotEmpty(BuiltModule.ManifestList("FormatsToProcess"));
            Assert.NotEmpty(BuiltModule.ManifestList("TypesToProcess"));
        }

        [Fact]
        public void Every_TypeName_in_the_format_and_types_files_is_a_type_of_our_assemblies()
        {
            var ours = Module.OwnAssemblies.SelectMany(a => a.GetTypes()).Select(t => t.FullName).ToHashSet(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (string file in BuiltModule.ManifestList("FormatsToProcess"))
                names.AddRange(XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, file)).Descendants("TypeName").Select(e => e.Value.Trim()));
            foreach (string file in BuiltModule.ManifestList("TypesToProcess"))
                names.AddRange(XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, file)).Root!.Elements("Type").Select(e => e.Element("Name")!.Value.Trim()));
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.Contains(n, ours));
        }

        [Fact]
        public void Every_output_type_of_ours_has_a_table_view()
        {
            var views = BuiltModule.ManifestList("FormatsToProcess")
                .SelectMany(f => XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, f)).Descendants("View"))
                .Where(v => v.Element("TableControl") != null)
                .SelectMany(v => v.Descendants("TypeName").Select(t => t.Value.Trim()))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var type in Module.Cmdlets.SelectMany(c => c.OutputTypes).Where(t => t.FullName!.StartsWith("GmemPS.", StringComparison.Ordinal)).Distinct())
                Assert.True(Ancestors(type).Any(t => views.Contains(t.FullName!)), $"{type.FullName} has no table view");
            foreach (string required in new[] { "GmemPS.Lab.LabMapping", "GmemPS.Events.GmemEvent" })
                Assert.Contains(required, views);
        }

        [Fact]
        public void Properties_named_in_the_format_and_types_files_exist_on_their_types()
        {
            foreach (string file in BuiltModule.ManifestList("FormatsToProcess"))
                foreach (var view in XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, file)).Descendants("View"))
                {
                    var type = FindOwnType(view.Descendants("TypeName").Single().Value.Trim());
                    foreach (var property in view.Descendants("PropertyName").Select(e => e.Value.Trim()))
                        Assert.True(type.GetProperty(property) != null, $"{type.FullName} has no property {property} ({file})");
                }
            foreach (string file in BuiltModule.ManifestList("TypesToProcess"))
                foreach (var typeElement in XDocument.Load(Path.Combine(BuiltModule.ModuleDirectory, file)).Root!.Elements("Type"))
                {
                    var type = FindOwnType(typeElement.Element("Name")!.Value.Trim());
                    var extra = typeElement.Descendants().Where(e => e.Name == "ScriptProperty" || e.Name == "AliasProperty")
                        .Select(e => e.Element("Name")!.Value).ToHashSet();
                    foreach (var referenced in typeElement.Descendants("ReferencedProperties").Elements("Name").Select(e => e.Value)
                                 .Concat(typeElement.Descendants("ReferencedMemberName").Select(e => e.Value)))
                        Assert.True(type.GetProperty(referenced) != null || extra.Contains(referenced), $"{type.FullName} has no member {referenced} ({file})");
                }
        }

        [Fact]
        public void The_module_error_categories_are_PowerShells_ErrorCategory_value_for_value()
        {
            var category = Module.SmaType("ErrorCategory");
            foreach (GmemErrorCategory ours in Enum.GetValues<GmemErrorCategory>())
            {
                var field = category.GetField(ours.ToString());
                Assert.True(field != null, $"ErrorCategory has no {ours}");
                Assert.Equal((int)ours, (int)field!.GetRawConstantValue()!);
            }
        }

        [Fact]
        public void Module_lifetime_hooks_are_implemented()
        {
            var lifetime = Module.Assembly.GetType("GmemPS.Infrastructure.GmemModuleLifetime", throwOnError: true)!;
            var interfaces = lifetime.GetInterfaces().Select(i => i.FullName).ToList();
            Assert.Contains("System.Management.Automation.IModuleAssemblyInitializer", interfaces);
            Assert.Contains("System.Management.Automation.IModuleAssemblyCleanup", interfaces);
        }

        [Fact]
        public void Object_parameters_accept_ids_and_complete_them()
        {
            var transformations = new Dictionary<string, string>
            {
                ["GmemPS.Lab.LabVm"] = "LabVmTransformationAttribute",
                ["GmemPS.Lab.LabFile"] = "LabFileTransformationAttribute",
                ["GmemPS.Lab.LabMemslot"] = "LabMemslotTransformationAttribute",
            };
            foreach (var c in Module.Cmdlets)
                foreach (var p in c.Parameters.Where(p => transformations.ContainsKey(p.ElementType.FullName!)))
                {
                    var property = c.Type.GetProperty(p.Name)!;
                    var attributes = property.GetCustomAttributesData().Select(a => a.AttributeType.Name).ToList();
                    Assert.True(attributes.Contains(transformations[p.ElementType.FullName!]), $"{c.Name} -{p.Name} lacks its id transformation");
                    Assert.True(attributes.Contains("ArgumentCompleterAttribute"), $"{c.Name} -{p.Name} lacks an argument completer");
                }
        }

        /// <summary>
        /// Every numeric parameter takes the literals users type (0xC0000000 is a negative Int32 to PowerShell), so each
        /// carries the one shared transformation; a new address, size or flags parameter cannot forget it. Bytes are
        /// data (-Value, -Write), not numbers.
        /// </summary>
        [Fact]
        public void Every_numeric_parameter_carries_the_numeric_literal_transformation()
        {
            string[] integral = { "System.SByte", "System.Int16", "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64" };
            var checkedOnes = new List<string>();
            foreach (var c in Module.Cmdlets)
                foreach (var p in c.Parameters)
                {
                    var type = p.ElementType;
                    bool flags = type.IsEnum && type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.FlagsAttribute");
                    if (!integral.Contains(type.FullName) && !flags) continue;
                    checkedOnes.Add($"{c.Name} -{p.Name}");
                    var attributes = c.Type.GetProperty(p.Name)!.GetCustomAttributesData().Select(a => a.AttributeType.Name);
                    Assert.True(attributes.Contains("NumericLiteralTransformationAttribute"), $"{c.Name} -{p.Name} lacks the numeric literal transformation");
                }
            Assert.Contains("Add-Memslot -Gpa", checkedOnes);
            Assert.Contains("New-GmemFile -Flags", checkedOnes);
        }

        private static Type FindOwnType(string fullName) =>
            Module.OwnAssemblies.Select(a => a.GetType(fullName)).FirstOrDefault(t => t != null)
            ?? throw new Xunit.Sdk.XunitException($"{fullName} is not a type of our assemblies");

        internal static IEnumerable<Type> Ancestors(Type type)
        {
            for (Type? t = type; t != null; t = t.BaseType) yield return t;
        }
    }

    /// <summary>
    /// PowerShell's pipeline binding, reduced to what the contract needs: in some parameter set of the
    /// downstream cmdlet, an output type of the upstream one binds by value (assignable to the parameter or
    /// its element type) or by property name (a public property named like the parameter or an alias, of an
    /// assignable or numeric-convertible type), every parameter the user names is in that set, and every
    /// mandatory parameter of the set ends up bound.
    /// </summary>
    internal static class PipelineBinding
    {
        public static string? Explain(CmdletMetadata up, CmdletMetadata down, IReadOnlyList<string> named)
        {
            foreach (var output in up.OutputTypes)
                foreach (string set in down.ParameterSets)
                {
                    var inSet = down.Parameters.Where(p => p.IsIn(set)).ToList();
                    if (!named.All(n => inSet.Any(p => p.Answers(n)))) continue;
                    var bound = new HashSet<string>(inSet.Where(p => named.Any(p.Answers)).Select(p => p.Name));
                    var how = new List<string>();
                    foreach (var p in inSet.Where(p => !bound.Contains(p.Name)))
                    {
                        var entry = p.In(set)!;
                        if (entry.ByValue && p.ElementType.IsAssignableFrom(output))
                        {
                            bound.Add(p.Name);
                            how.Add($"-{p.Name} by value");
                        }
                        else if (entry.ByPropertyName)
                        {
                            var property = new[] { p.Name }.Concat(p.Aliases)
                                .Select(n => output.GetProperty(n, BindingFlags.Public | BindingFlags.Instance))
                                .FirstOrDefault(pr => pr != null && Converts(pr.PropertyType, p.ElementType));
                            if (property == null) continue;
                            bound.Add(p.Name);
                            how.Add($"-{p.Name} by property {property.Name}");
                        }
                    }
                    if (how.Count == 0) continue;
                    if (inSet.Any(p => p.In(set)!.Mandatory && !bound.Contains(p.Name))) continue;
                    return $"{output.Name} -> {down.Name} [{set}]: {string.Join(", ", how)}";
                }
            return null;
        }

        private static bool Converts(Type from, Type to)
        {
            if (to.IsAssignableFrom(from)) return true;
            string[] numeric = { "System.Byte", "System.Int16", "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64" };
            return numeric.Contains(from.FullName) && numeric.Contains(to.FullName);
        }
    }
}
