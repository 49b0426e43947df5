using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace GmemPS.Tests.Module
{
    /// <summary>A parameter's [Parameter] attribute for one parameter set.</summary>
    public sealed record ParameterSetEntry(string SetName, bool Mandatory, int Position, bool ByValue, bool ByPropertyName);

    public sealed record CmdletParameter(string Name, Type Type, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterSetEntry> Sets)
    {
        /// <summary>The element type of an array parameter (PowerShell binds one item to T[]).</summary>
        public Type ElementType => Type.IsArray ? Type.GetElementType()! : Type;

        public bool IsIn(string set) => Sets.Any(s => s.SetName == set || s.SetName == BuiltModule.AllSets);

        public ParameterSetEntry? In(string set) =>
            Sets.FirstOrDefault(s => s.SetName == set) ?? Sets.FirstOrDefault(s => s.SetName == BuiltModule.AllSets);

        public bool Answers(string name) =>
            string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
    }

    public sealed record CmdletMetadata(
        string Name, string Verb, string Noun, Type Type, bool SupportsShouldProcess, int ConfirmImpact,
        string? DefaultParameterSet, IReadOnlyList<Type> OutputTypes, IReadOnlyList<CmdletParameter> Parameters)
    {
        /// <summary>The parameter sets PowerShell sees: the named ones, or the one implicit set.</summary>
        public IReadOnlyList<string> ParameterSets
        {
            get
            {
                var named = Parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(n => n != BuiltModule.AllSets).Distinct().ToList();
                return named.Count > 0 ? named : new List<string> { BuiltModule.AllSets };
            }
        }

        public CmdletParameter Parameter(string name) => Parameters.Single(p => p.Answers(name));
    }

    /// <summary>
    /// The module as pwsh would import it, read as metadata only: out/GmemPS/*.dll plus PowerShell's
    /// reference assembly, in a MetadataLoadContext, so no PowerShell code runs in the test process.
    /// </summary>
    public sealed class BuiltModule : IDisposable
    {
        public const string AllSets = "__AllParameterSets";
        private const string Sma = "System.Management.Automation";

        private static readonly Lazy<BuiltModule> Shared = new Lazy<BuiltModule>(() => new BuiltModule());

        public static BuiltModule Instance => Shared.Value;

        private BuiltModule()
        {
            SmaPath = LocateSmaReference();
            var paths = Directory.GetFiles(ModuleDirectory, "*.dll")
                .Concat(new[] { SmaPath })
                .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
                .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
                .Select(g => g.First());
            Context = new MetadataLoadContext(new PathAssemblyResolver(paths));
            Assembly = Context.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "GmemPS.dll"));
            Automation = Context.LoadFromAssemblyPath(SmaPath);
            Cmdlets = ReadCmdlets();
        }

        public static string RepoRoot => Metadata("GmemPS.RepoRoot");

        public static string ModuleDirectory => Path.Combine(RepoRoot, "out", "GmemPS");

        public string SmaPath { get; }
        public MetadataLoadContext Context { get; }
        public Assembly Assembly { get; }
        public Assembly Automation { get; }
        public IReadOnlyList<CmdletMetadata> Cmdlets { get; }

        /// <summary>Our assemblies in the module folder.</summary>
        public IReadOnlyList<Assembly> OwnAssemblies =>
            Directory.GetFiles(ModuleDirectory, "GmemPS*.dll").Select(p => Context.LoadFromAssemblyPath(p)).ToList();

        public CmdletMetadata Cmdlet(string name) => Cmdlets.Single(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        public Type SmaType(string name) => Automation.GetType(Sma + "." + name, throwOnError: true)!;

        public void Dispose() => Context.Dispose();

        /// <summary>PowerShellStandard's reference assembly: from the path the build recorded, else the NuGet cache.</summary>
        private static string LocateSmaReference()
        {
            const string relative = "lib/netstandard2.0/System.Management.Automation.dll";
            var candidates = new List<string>();
            string recorded = Metadata("GmemPS.PowerShellStandardPackage", required: false);
            if (recorded.Length > 0) candidates.Add(Path.Combine(recorded, relative));
            string? nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (string.IsNullOrEmpty(nugetRoot))
                nugetRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string package = Path.Combine(nugetRoot, "powershellstandard.library");
            if (Directory.Exists(package))
                candidates.AddRange(Directory.GetDirectories(package).OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, relative)));
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException("PowerShellStandard.Library's System.Management.Automation.dll was not found; tried: " + string.Join(", ", candidates));
        }

        private static string Metadata(string key, bool required = true)
        {
            string? value = typeof(BuiltModule).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
            if (string.IsNullOrEmpty(value) && required) throw new InvalidOperationException($"The test assembly lacks the {key} metadata.");
            return value ?? string.Empty;
        }

        private IReadOnlyList<CmdletMetadata> ReadCmdlets()
        {
            var result = new List<CmdletMetadata>();
            foreach (var type in Assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract))
            {
                var cmdlet = Attribute(type.GetCustomAttributesData(), "CmdletAttribute");
                if (cmdlet == null) continue;
                string verb = (string)cmdlet.ConstructorArguments[0].Value!;
                string noun = (string)cmdlet.ConstructorArguments[1].Value!;
                var outputs = type.GetCustomAttributesData()
                    .Where(a => a.AttributeType.FullName == Sma + ".OutputTypeAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : new[] { arg.Value })
                    .OfType<Type>()
                    .ToList();
                result.Add(new CmdletMetadata($"{verb}-{noun}", verb, noun, type,
                    Named<bool>(cmdlet, "SupportsShouldProcess"),
                    Named<int?>(cmdlet, "ConfirmImpact") ?? 2,
                    Named<string>(cmdlet, "DefaultParameterSetName"),
                    outputs,
                    ReadParameters(type)));
            }
            return result.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }

        private static IReadOnlyList<CmdletParameter> ReadParameters(Type type)
        {
            var result = new List<CmdletParameter>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var data = property.GetCustomAttributesData();
                var sets = data.Where(a => a.AttributeType.FullName == Sma + ".ParameterAttribute")
                    .Select(a => new ParameterSetEntry(
                        Named<string>(a, "ParameterSetName") ?? AllSets,
                        Named<bool>(a, "Mandatory"),
                        Named<int?>(a, "Position") ?? int.MinValue,
                        Named<bool>(a, "ValueFromPipeline"),
                        Named<bool>(a, "ValueFromPipelineByPropertyName")))
                    .ToList();
                if (sets.Count == 0) continue;
                var aliases = data.Where(a => a.AttributeType.FullName == Sma + ".AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => (string)m.Value!) : new[] { (string)arg.Value! })
                    .ToList();
                result.Add(new CmdletParameter(property.Name, property.PropertyType, aliases, sets));
            }
            return result;
        }

        private static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> data, string name) =>
            data.FirstOrDefault(a => a.AttributeType.FullName == Sma + "." + name);

        private static T Named<T>(CustomAttributeData attribute, string name)
        {
            foreach (var arg in attribute.NamedArguments)
                if (arg.MemberName == name) return (T)arg.TypedValue.Value!;
            return default!;
        }

        // ---- the manifest ----

        /// <summary>A manifest key's string list (@('a','b') or a single 'a'), read the simple way our psd1 is written.</summary>
        public static IReadOnlyList<string> ManifestList(string key)
        {
            string text = File.ReadAllText(Path.Combine(ModuleDirectory, "GmemPS.psd1"));
            var match = Regex.Match(text, $@"^\s*{Regex.Escape(key)}\s*=\s*(@\((?<list>[^)]*)\)|'(?<one>[^']*)')", RegexOptions.Multiline);
            if (!match.Success) return Array.Empty<string>();
            if (match.Groups["one"].Success) return new[] { match.Groups["one"].Value };
            return Regex.Matches(match.Groups["list"].Value, "'([^']*)'").Select(m => m.Groups[1].Value).ToList();
        }

        public static string ManifestValue(string key) => ManifestList(key).SingleOrDefault() ?? string.Empty;
    }
}
