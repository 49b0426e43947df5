using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>out/GmemPS is what Import-Module ./out/GmemPS needs, and nothing pwsh brings itself.</summary>
    public class ModuleLayoutTests
    {
        private static string Dir => BuiltModule.ModuleDirectory;

        [Fact]
        public void Holds_the_manifest_our_assemblies_formats_types_help_and_Mono_Posix_with_its_native_helper()
        {
            foreach (string file in new[]
                     {
                         "GmemPS.psd1", "GmemPS.dll", "GmemPS.Core.dll", "GmemPS.Simulator.dll", "GmemPS.Kvm.dll", "GmemPS.Backends.dll",
                         "GmemPS.format.ps1xml", "GmemPS.types.ps1xml", "Mono.Posix.NETStandard.dll", "libMonoPosixHelper.so",
                         Path.Combine("en-US", "GmemPS.dll-Help.xml"), Path.Combine("en-US", "about_GmemPS.help.txt"),
                     })
                Assert.True(File.Exists(Path.Combine(Dir, file)), $"out/GmemPS lacks {file}");
        }

        [Fact]
        public void Does_not_ship_PowerShell_itself_or_build_leftovers()
        {
            var files = Directory.GetFiles(Dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
            Assert.DoesNotContain("System.Management.Automation.dll", files);
            Assert.DoesNotContain(files, f => f!.EndsWith(".deps.json", StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.GetFiles(Dir, "*.psd1", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("{{"));
        }

        [Fact]
        public void Manifest_version_is_the_one_in_Directory_Build_props()
        {
            string props = File.ReadAllText(Path.Combine(BuiltModule.RepoRoot, "Directory.Build.props"));
            string version = Regex.Match(props, "<GmemPSVersion>([^<]+)</GmemPSVersion>").Groups[1].Value;
            Assert.NotEmpty(version);
            Assert.Equal(version, BuiltModule.ManifestValue("ModuleVersion"));
            Assert.Equal(version, AssemblyName.GetAssemblyName(Path.Combine(Dir, "GmemPS.dll")).Version!.ToString(3));
        }

        [Fact]
        public void Mono_Posix_is_the_linux_x64_implementation_not_the_reference_stub()
        {
            using var stream = File.OpenRead(Path.Combine(Dir, "Mono.Posix.NETStandard.dll"));
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            bool isReference = reader.GetAssemblyDefinition().GetCustomAttributes()
                .Select(h => reader.GetCustomAttribute(h))
                .Any(a => AttributeTypeName(reader, a) == "ReferenceAssemblyAttribute");
            Assert.False(isReference, "out/GmemPS/Mono.Posix.NETStandard.dll is a reference assembly");
            // The implementation P/Invokes into the native helper; the stub has no such imports.
            bool importsHelper = reader.MethodDefinitions.Select(h => reader.GetMethodDefinition(h))
                .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                .Any(m => reader.GetString(reader.GetModuleReference(m.GetImport().Module).Name).Contains("MonoPosixHelper"));
            Assert.True(importsHelper);
            // And the native helper is a 64-bit x86 ELF shared object.
            byte[] elf = File.ReadAllBytes(Path.Combine(Dir, "libMonoPosixHelper.so")).Take(20).ToArray();
            Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2 }, elf.Take(5));
            Assert.Equal(62, BitConverter.ToUInt16(elf, 18)); // EM_X86_64
        }

        private static string AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
        {
            var ctor = attribute.Constructor;
            if (ctor.Kind != HandleKind.MemberReference) return string.Empty;
            var parent = reader.GetMemberReference((MemberReferenceHandle)ctor).Parent;
            return parent.Kind == HandleKind.TypeReference ? reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name) : string.Empty;
        }
    }
}
