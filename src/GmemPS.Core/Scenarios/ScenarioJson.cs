using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using GmemPS.Kernel;
using GmemPS.Scenarios.Json;

namespace GmemPS.Scenarios
{
    /// <summary>
    /// A scenario as JSON, one step per line. 64-bit quantities (sizes, addresses, gpas) are hex strings so that
    /// no reader rounds them through a double; signed offsets and counts are plain numbers; flags and enums are
    /// names (or numbers, for bits with no name); bytes are hex.
    /// </summary>
    internal static class ScenarioJson
    {
        private const string Invalid = "GmemScenarioInvalid";

        public static string Write(Scenario scenario)
        {
            var root = new JsonObject().Add("format", Scenario.FormatTag);
            if (scenario.Name != null) root.Add("name", scenario.Name);
            if (scenario.RecordedOn != null) root.Add("recordedOn", scenario.RecordedOn);
            root.Add("steps", scenario.Steps.Select(WriteStep).Cast<object?>().ToList());
            return JsonText.Write(root);
        }

        private static JsonObject WriteStep(ScenarioStep step)
        {
            var args = new JsonObject();
            foreach (var argument in ScenarioSchema.ArgumentsOf(step.Kind) ?? Array.Empty<ScenarioArgument>())
            {
                object? value = step.Argument(argument.Name);
                if (value != null) args.Add(argument.Name, Encode(value));
            }
            var o = new JsonObject().Add("kind", step.Kind).Add("args", args);
            if (step.Expected != null) o.Add("expect", WriteOutcome(step.Expected));
            return o;
        }

        private static JsonObject WriteOutcome(StepOutcome outcome)
        {
            var o = new JsonObject().Add("errno", outcome.Errno.ToString());
            if (outcome.RuleId != null) o.Add("rule", outcome.RuleId);
            if (outcome.Result != null) o.Add("result", outcome.Result);
            if (outcome.Data != null) o.Add("data", Hexadecimal(outcome.Data));
            if (outcome.Exit != null)
                o.Add("exit", new JsonObject()
                    .Add("reason", outcome.Exit.Reason.ToString())
                    .Add("runErrno", outcome.Exit.RunErrno.ToString())
                    .Add("gpa", HexNumber(outcome.Exit.Gpa))
                    .Add("size", HexNumber(outcome.Exit.Size))
                    .Add("flags", outcome.Exit.Flags.ToString()));
            if (outcome.States != null) o.Add("states", outcome.States);
            if (outcome.Fault != null) o.Add("fault", outcome.Fault);
            return o;
        }

        private static object? Encode(object value)
        {
            switch (value)
            {
                case string s: return s;
                case bool b: return b;
                case ulong u: return HexNumber(u);
                case long l: return new JsonNumber(l.ToString(CultureInfo.InvariantCulture));
                case int i: return new JsonNumber(i.ToString(CultureInfo.InvariantCulture));
                case uint u: return new JsonNumber(u.ToString(CultureInfo.InvariantCulture));
                case byte[] bytes: return Hexadecimal(bytes);
                case Enum e: return e.ToString();
            }
            var type = value.GetType();
            if (!type.IsValueType) throw new ArgumentException($"A scenario argument cannot be a {type.Name}.", nameof(value));
            var o = new JsonObject();
            foreach (var property in Fields(type)) o.Add(property.Name, Encode(property.GetValue(value)!));
            return o;
        }

        /// <summary>The fields of a request struct: its settable (init) properties, in declaration order.</summary>
        private static IEnumerable<PropertyInfo> Fields(Type type) =>
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetSetMethod() != null).OrderBy(p => p.MetadataToken);

        private static string HexNumber(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

        private static string Hexadecimal(byte[] data) => string.Concat(data.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

        // ---- reading ----

        public static Scenario Read(string json)
        {
            object? parsed;
            try
            {
                parsed = JsonText.Parse(json);
            }
            catch (JsonSyntaxException e)
            {
                throw new ScenarioFormatException(Invalid, $"The scenario is not valid JSON: {e.Message}", e);
            }
            if (!(parsed is JsonObject root)) throw Bad("the top level must be an object");
            if (!root.TryGet("format", out object? format) || !(format is string tag) || tag != Scenario.FormatTag)
                throw Bad($"\"format\" must be \"{Scenario.FormatTag}\"");
            string? name = Optional<string>(root, "name", "the top level");
            string? recordedOn = Optional<string>(root, "recordedOn", "the top level");
            if (!root.TryGet("steps", out object? stepsValue) || !(stepsValue is List<object?> list))
                throw Bad("\"steps\" must be an array");
            var steps = list.Select((s, i) => ReadStep(s, i)).ToList();
            return new Scenario(steps, name, recordedOn);
        }

        private static ScenarioStep ReadStep(object? value, int index)
        {
            string where = $"step {index}";
            if (!(value is JsonObject o)) throw Bad($"{where} must be an object");
            string kind = Optional<string>(o, "kind", where) ?? throw Bad($"{where} has no \"kind\"");
            var schema = ScenarioSchema.ArgumentsOf(kind)
                ?? throw Bad($"{where}: \"{kind}\" is not a scenario step (known: {string.Join(", ", ScenarioSchema.StepKinds.OrderBy(k => k))})");
            var args = Optional<JsonObject>(o, "args", where) ?? new JsonObject();
            foreach (var member in args)
                if (!schema.Any(a => a.Name == member.Key)) throw Bad($"{where} ({kind}) has no argument \"{member.Key}\"");
            var arguments = new Dictionary<string, object?>();
            foreach (var argument in schema)
            {
                if (!args.TryGet(argument.Name, out object? raw) || raw == null)
                {
                    if (!argument.Optional) throw Bad($"{where} ({kind}) lacks the argument \"{argument.Name}\"");
                    continue;
                }
                arguments[argument.Name] = Decode(raw, argument.Type, $"{where} ({kind}) argument {argument.Name}");
            }
            var expected = Optional<JsonObject>(o, "expect", where);
            return new ScenarioStep(kind, arguments, expected == null ? null : ReadOutcome(expected, where));
        }

        private static StepOutcome ReadOutcome(JsonObject o, string where)
        {
            where += " expect";
            var errno = (Errno)Decode(Optional<string>(o, "errno", where) ?? "None", typeof(Errno), where + ".errno")!;
            string? data = Optional<string>(o, "data", where);
            GuestExitOutcome? exit = null;
            var e = Optional<JsonObject>(o, "exit", where);
            if (e != null)
            {
                string at = where + ".exit";
                exit = new GuestExitOutcome(
                    (ExitReason)Decode(Required(e, "reason", at), typeof(ExitReason), at)!,
                    (Errno)Decode(Required(e, "runErrno", at), typeof(Errno), at)!,
                    (ulong)Decode(Required(e, "gpa", at), typeof(ulong), at)!,
                    (ulong)Decode(Required(e, "size", at), typeof(ulong), at)!,
                    (MemoryFaultFlags)Decode(Required(e, "flags", at), typeof(MemoryFaultFlags), at)!);
            }
            return new StepOutcome(errno, Optional<string>(o, "rule", where), Optional<string>(o, "result", where),
                data == null ? null : (byte[])Decode(data, typeof(byte[]), where + ".data")!, exit,
                Optional<string>(o, "states", where), Optional<string>(o, "fault", where));
        }

        private static object Required(JsonObject o, string name, string where) =>
            o.TryGet(name, out object? value) && value != null ? value : throw Bad($"{where} lacks \"{name}\"");

        private static T? Optional<T>(JsonObject o, string name, string where) where T : class
        {
            if (!o.TryGet(name, out object? value) || value == null) return null;
            return value as T ?? throw Bad($"{where}: \"{name}\" must be {(typeof(T) == typeof(string) ? "a string" : "an object")}");
        }

        private static object? Decode(object raw, Type type, string where)
        {
            try
            {
                if (type == typeof(string)) return raw as string ?? throw Bad($"{where} must be a string");
                if (type == typeof(bool)) return raw is bool b ? b : throw Bad($"{where} must be true or false");
                if (type == typeof(byte[])) return ParseBytes(Text(raw, where), where);
                if (type.IsEnum)
                {
                    string text = Text(raw, where);
                    return Enum.Parse(type, text, ignoreCase: true);
                }
                if (type == typeof(ulong)) return ParseUnsigned(Text(raw, where), where);
                if (type == typeof(long)) return ParseSigned(Text(raw, where), where);
                if (type == typeof(uint)) return checked((uint)ParseUnsigned(Text(raw, where), where));
                if (type == typeof(int)) return checked((int)ParseSigned(Text(raw, where), where));
                if (type.IsValueType && raw is JsonObject o)
                {
                    object value = Activator.CreateInstance(type)!;
                    var fields = Fields(type).ToList();
                    foreach (var member in o)
                        if (!fields.Any(f => f.Name == member.Key)) throw Bad($"{where} has no field \"{member.Key}\"");
                    foreach (var field in fields)
                        if (o.TryGet(field.Name, out object? fieldValue) && fieldValue != null)
                            field.SetValue(value, Decode(fieldValue, field.PropertyType, $"{where}.{field.Name}"));
                        else throw Bad($"{where} lacks the field \"{field.Name}\"");
                    return value;
                }
            }
            catch (Exception e) when (e is ArgumentException || e is OverflowException || e is FormatException)
            {
                throw Bad($"{where}: {e.Message}");
            }
            throw Bad($"{where} must be {(type.IsValueType ? "an object" : "a " + type.Name)}");
        }

        private static string Text(object raw, string where) => raw switch
        {
            string s => s,
            JsonNumber n => n.Text,
            _ => throw Bad($"{where} must be a number or a string"),
        };

        private static ulong ParseUnsigned(string text, string where)
        {
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return ulong.Parse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (text.StartsWith("-", StringComparison.Ordinal)) return unchecked((ulong)ParseSigned(text, where));
            return ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        private static long ParseSigned(string text, string where)
        {
            bool negative = text.StartsWith("-", StringComparison.Ordinal);
            string digits = negative ? text.Substring(1) : text;
            ulong magnitude = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.Parse(digits.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                : ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (negative)
            {
                if (magnitude > 1UL << 63) throw Bad($"{where}: {text} is below -2^63");
                return unchecked(-(long)magnitude);
            }
            return checked((long)magnitude);
        }

        private static byte[] ParseBytes(string hex, string where)
        {
            if (hex.Length % 2 != 0) throw Bad($"{where}: hex bytes come in pairs of digits");
            var data = new byte[hex.Length / 2];
            for (int i = 0; i < data.Length; i++)
                data[i] = byte.Parse(hex.Substring(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            return data;
        }

        private static ScenarioFormatException Bad(string what) => new ScenarioFormatException(Invalid, $"The scenario is not valid: {what}.");
    }
}
