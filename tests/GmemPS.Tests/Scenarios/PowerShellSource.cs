using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace GmemPS.Tests.Scenarios
{
    /// <summary>
    /// Reads the repository's PowerShell files without PowerShell (pwsh is not installed where the unit tests
    /// run): finds the repository, strips comments, and checks that brackets and strings are well formed, so
    /// a script that could not even parse is caught here.
    /// </summary>
    internal static class PowerShellSource
    {
        public static string RepositoryRoot { get; } = FindRoot();

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GmemPS.sln"))) return dir.FullName;
            throw new InvalidOperationException($"No GmemPS.sln above {AppContext.BaseDirectory}.");
        }

        public static IReadOnlyList<string> Files(string folder, params string[] extensions) =>
            Directory.EnumerateFiles(Path.Combine(RepositoryRoot, folder), "*", SearchOption.AllDirectories)
                .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();

        public static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path);

        /// <summary>The code with comments blanked out (strings kept), or a description of the first structural error.</summary>
        public static string StripComments(string text, out string? error)
        {
            var scanner = new Scanner(text);
            error = scanner.Run();
            return scanner.Code.ToString();
        }

        /// <summary>
        /// A small PowerShell scanner: comments (# and &lt;# #&gt;), single- and double-quoted strings (with
        /// $( ) subexpressions, which may hold strings of their own), here-strings, backtick escapes and the
        /// three bracket kinds. It knows nothing else of the grammar.
        /// </summary>
        private sealed class Scanner
        {
            private readonly string s;
            private int i;
            private int line = 1;

            public Scanner(string text) { s = text; }

            public StringBuilder Code { get; } = new StringBuilder();

            public string? Run()
            {
                try
                {
                    ScanCode(closeOnParen: false);
                    return null;
                }
                catch (FormatException e)
                {
                    return e.Message;
                }
            }

            private char At(int k) => k < s.Length ? s[k] : '\0';

            private void Emit(char c, bool keep = true)
            {
                if (c == '\n') line++;
                Code.Append(keep || c == '\n' ? c : ' ');
                i++;
            }

            private FormatException Error(string what) => new FormatException($"line {line}: {what}");

            private void ScanCode(bool closeOnParen)
            {
                var open = new Stack<(char Bracket, int Line)>();
                while (i < s.Length)
                {
                    char c = s[i];
                    if (c == '<' && At(i + 1) == '#')
                    {
                        int start = line;
                        while (i < s.Length && !(s[i] == '#' && At(i + 1) == '>')) Emit(s[i], keep: false);
                        if (i >= s.Length) throw new FormatException($"line {start}: <# comment never closed");
                        Emit('#', false);
                        Emit('>', false);
                    }
                    else if (c == '#')
                    {
                        while (i < s.Length && s[i] != '\n') Emit(s[i], keep: false);
                    }
                    else if (c == '`')
                    {
                        Emit(c);
                        if (i < s.Length) Emit(s[i]);
                    }
                    else if (c == '@' && (At(i + 1) == '"' || At(i + 1) == '\'') && IsLineEnd(i + 2))
                    {
                        ScanHereString(At(i + 1));
                    }
                    else if (c == '\'')
                    {
                        ScanSingleQuoted();
                    }
                    else if (c == '"')
                    {
                        ScanDoubleQuoted();
                    }
                    else if (c == '(' || c == '{' || c == '[')
                    {
                        open.Push((c, line));
                        Emit(c);
                    }
                    else if (c == ')' || c == '}' || c == ']')
                    {
                        if (open.Count == 0)
                        {
                            if (closeOnParen && c == ')') { Emit(c); return; }
                            throw Error($"'{c}' closes nothing");
                        }
                        var (bracket, at) = open.Pop();
                        char expected = bracket == '(' ? ')' : bracket == '{' ? '}' : ']';
                        if (c != expected) throw Error($"'{c}' closes '{bracket}' of line {at}");
                        Emit(c);
                    }
                    else
                    {
                        Emit(c);
                    }
                }
                if (open.Count > 0) throw new FormatException($"line {open.Peek().Line}: '{open.Peek().Bracket}' never closed");
                if (closeOnParen) throw Error("$( never closed");
            }

            private bool IsLineEnd(int k)
            {
                while (k < s.Length && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) k++;
                return k >= s.Length || s[k] == '\n';
            }

            private void ScanSingleQuoted()
            {
                int start = line;
                Emit('\'');
                while (true)
                {
                    if (i >= s.Length) throw new FormatException($"line {start}: string never closed");
                    if (s[i] == '\'' && At(i + 1) == '\'') { Emit('\''); Emit('\''); continue; }
                    if (s[i] == '\'') { Emit('\''); return; }
                    Emit(s[i]);
                }
            }

            private void ScanDoubleQuoted()
            {
                int start = line;
                Emit('"');
                while (true)
                {
                    if (i >= s.Length) throw new FormatException($"line {start}: string never closed");
                    char c = s[i];
                    if (c == '`') { Emit(c); if (i < s.Length) Emit(s[i]); continue; }
                    if (c == '"' && At(i + 1) == '"') { Emit(c); Emit('"'); continue; }
                    if (c == '"') { Emit(c); return; }
                    if (c == '$' && At(i + 1) == '(')
                    {
                        Emit('$');
                        Emit('(');
                        ScanCode(closeOnParen: true);
                        continue;
                    }
                    Emit(c);
                }
            }

            private void ScanHereString(char quote)
            {
                int start = line;
                while (true)
                {
                    if (i >= s.Length) throw new FormatException($"line {start}: here-string never closed");
                    bool atLineStart = i > 0 && s[i - 1] == '\n';
                    if (atLineStart && s[i] == quote && At(i + 1) == '@' && Code.Length > 2) { Emit(s[i]); Emit('@'); return; }
                    Emit(s[i]);
                }
            }
        }
    }
}
