using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GmemPS.Scenarios.Json
{
    /// <summary>A JSON object whose members keep the order they were written in.</summary>
    internal sealed class JsonObject : IEnumerable<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> members = new List<KeyValuePair<string, object?>>();

        public int Count => members.Count;

        public JsonObject Add(string name, object? value)
        {
            members.Add(new KeyValuePair<string, object?>(name, value));
            return this;
        }

        public bool TryGet(string name, out object? value)
        {
            foreach (var member in members)
                if (member.Key == name)
                {
                    value = member.Value;
                    return true;
                }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => members.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A JSON number as written, so a 64-bit value never passes through a double.</summary>
    internal sealed class JsonNumber
    {
        public JsonNumber(string text) { Text = text; }

        public string Text { get; }

        public override string ToString() => Text;
    }

    /// <summary>Malformed JSON: where, and what was expected.</summary>
    internal sealed class JsonSyntaxException : FormatException
    {
        public JsonSyntaxException(string message) : base(message) { }
    }

    /// <summary>
    /// The little JSON a scenario needs (Core targets netstandard2.0, which has no System.Text.Json): values are
    /// <see cref="JsonObject"/>, <see cref="List{T}"/> of values, string, <see cref="JsonNumber"/>, bool and null.
    /// </summary>
    internal static class JsonText
    {
        /// <summary>
        /// Writes <paramref name="value"/> indented down to <paramref name="expandDepth"/> levels and compact below,
        /// so a scenario reads one step per line.
        /// </summary>
        public static string Write(object? value, int expandDepth = 2)
        {
            var text = new StringBuilder();
            WriteValue(text, value, 0, expandDepth);
            return text.Append('\n').ToString();
        }

        private static void WriteValue(StringBuilder text, object? value, int depth, int expandDepth)
        {
            switch (value)
            {
                case null:
                    text.Append("null");
                    break;
                case bool b:
                    text.Append(b ? "true" : "false");
                    break;
                case string s:
                    WriteString(text, s);
                    break;
                case JsonNumber n:
                    text.Append(n.Text);
                    break;
                case int i:
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                    break;
                case long l:
                    text.Append(l.ToString(CultureInfo.InvariantCulture));
                    break;
                case JsonObject o:
                    WriteContainer(text, '{', '}', o, depth, expandDepth, (t, member, d) =>
                    {
                        WriteString(t, member.Key);
                        t.Append(": ");
                        WriteValue(t, member.Value, d, expandDepth);
                    });
                    break;
                case IEnumerable<object?> list:
                    WriteContainer(text, '[', ']', list, depth, expandDepth, (t, item, d) => WriteValue(t, item, d, expandDepth));
                    break;
                default:
                    throw new ArgumentException($"JSON cannot hold a {value.GetType().Name}.", nameof(value));
            }
        }

        private static void WriteContainer<T>(StringBuilder text, char open, char close, IEnumerable<T> items, int depth, int expandDepth,
            Action<StringBuilder, T, int> writeItem)
        {
            bool expand = depth < expandDepth;
            text.Append(open);
            bool first = true;
            foreach (T item in items)
            {
                text.Append(first ? string.Empty : ",");
                if (expand) text.Append('\n').Append(' ', 2 * (depth + 1));
                else text.Append(first ? string.Empty : " ");
                writeItem(text, item, depth + 1);
                first = false;
            }
            if (expand && !first) text.Append('\n').Append(' ', 2 * depth);
            text.Append(close);
        }

        private static void WriteString(StringBuilder text, string s)
        {
            text.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default:
                        if (c < 0x20) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else text.Append(c);
                        break;
                }
            }
            text.Append('"');
        }

        public static object? Parse(string text)
        {
            var reader = new Reader(text);
            object? value = reader.Value();
            reader.SkipSpace();
            if (!reader.AtEnd) throw reader.Error("the end of the text after the top-level value");
            return value;
        }

        private sealed class Reader
        {
            private readonly string s;
            private int i;

            public Reader(string s) { this.s = s; }

            public bool AtEnd => i >= s.Length;

            public void SkipSpace()
            {
                while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
            }

            public JsonSyntaxException Error(string expected)
            {
                int line = 1, column = 1;
                for (int k = 0; k < i && k < s.Length; k++)
                {
                    if (s[k] == '\n') { line++; column = 1; }
                    else column++;
                }
                string found = AtEnd ? "the end of the text" : $"'{s[i]}'";
                return new JsonSyntaxException($"JSON line {line}, column {column}: expected {expected}, found {found}.");
            }

            public object? Value()
            {
                SkipSpace();
                if (AtEnd) throw Error("a value");
                char c = s[i];
                switch (c)
                {
                    case '{': return Object();
                    case '[': return Array();
                    case '"': return String();
                    case 't': return Word("true", true);
                    case 'f': return Word("false", false);
                    case 'n': return Word("null", null);
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return Number();
                        throw Error("a value");
                }
            }

            private object? Word(string word, object? value)
            {
                if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) throw Error($"'{word}'");
                i += word.Length;
                return value;
            }

            private JsonNumber Number()
            {
                int start = i;
                if (s[i] == '-') i++;
                int digits = i;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-')) i++;
                if (i == digits) throw Error("a digit");
                return new JsonNumber(s.Substring(start, i - start));
            }

            private string String()
            {
                i++; // the opening quote
                var text = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("a closing '\"'");
                    char c = s[i++];
                    if (c == '"') return text.ToString();
                    if (c != '\\')
                    {
                        text.Append(c);
                        continue;
                    }
                    if (AtEnd) throw Error("an escape");
                    char e = s[i++];
                    switch (e)
                    {
                        case '"': text.Append('"'); break;
                        case '\\': text.Append('\\'); break;
                        case '/': text.Append('/'); break;
                        case 'b': text.Append('\b'); break;
                        case 'f': text.Append('\f'); break;
                        case 'n': text.Append('\n'); break;
                        case 'r': text.Append('\r'); break;
                        case 't': text.Append('\t'); break;
                        case 'u':
                            if (i + 4 > s.Length || !int.TryParse(s.Substring(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                                throw Error("four hex digits after \\u");
                            text.Append((char)code);
                            i += 4;
                            break;
                        default:
                            i--;
                            throw Error("one of \" \\ / b f n r t u after a backslash");
                    }
                }
            }

            private JsonObject Object()
            {
                i++;
                var o = new JsonObject();
                SkipSpace();
                if (!AtEnd && s[i] == '}') { i++; return o; }
                while (true)
                {
                    SkipSpace();
                    if (AtEnd || s[i] != '"') throw Error("a member name in quotes");
                    string name = String();
                    SkipSpace();
                    if (AtEnd || s[i] != ':') throw Error("':'");
                    i++;
                    o.Add(name, Value());
                    SkipSpace();
                    if (!AtEnd && s[i] == ',') { i++; continue; }
                    if (!AtEnd && s[i] == '}') { i++; return o; }
                    throw Error("',' or '}'");
                }
            }

            private List<object?> Array()
            {
                i++;
                var list = new List<object?>();
                SkipSpace();
                if (!AtEnd && s[i] == ']') { i++; return list; }
                while (true)
                {
                    list.Add(Value());
                    SkipSpace();
                    if (!AtEnd && s[i] == ',') { i++; continue; }
                    if (!AtEnd && s[i] == ']') { i++; return list; }
                    throw Error("',' or ']'");
                }
            }
        }
    }
}
