using System.Collections.Generic;
using System.Linq;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>One tab-completion answer, before it becomes a PowerShell CompletionResult.</summary>
    public sealed class IdCompletionItem
    {
        public IdCompletionItem(string completionText, string listItemText, string toolTip)
        {
            CompletionText = completionText;
            ListItemText = listItemText;
            ToolTip = toolTip;
        }

        /// <summary>What replaces the word, quoted as the user began it (or as the id needs).</summary>
        public string CompletionText { get; }
        public string ListItemText { get; }
        public string ToolTip { get; }
    }

    /// <summary>
    /// The matching behind the module's argument completers, in plain C#: the word may be partial, may start
    /// with a quote (closed or not), and may hold wildcards; ids are matched case-insensitively as a prefix
    /// and come back in natural order (vm2 before vm10), quoted the way the user started.
    /// </summary>
    public static class IdCompletion
    {
        private const string SingleQuotes = "'\u2018\u2019\u201A\u201B";
        private const string DoubleQuotes = "\"\u201C\u201D\u201E";

        public static IReadOnlyList<IdCompletionItem> Complete(string? wordToComplete, IEnumerable<KeyValuePair<string, string>> candidates)
        {
            string word = wordToComplete ?? string.Empty;
            char quote = '\0';
            if (word.Length > 0 && (SingleQuotes.IndexOf(word[0]) >= 0 || DoubleQuotes.IndexOf(word[0]) >= 0))
            {
                quote = SingleQuotes.IndexOf(word[0]) >= 0 ? '\'' : '"';
                word = word.Substring(1);
                if (word.Length > 0 && (SingleQuotes.IndexOf(word[word.Length - 1]) >= 0 || DoubleQuotes.IndexOf(word[word.Length - 1]) >= 0))
                    word = word.Substring(0, word.Length - 1);
            }
            string pattern = word.EndsWith("*", System.StringComparison.Ordinal) ? word : word + "*";
            return candidates
                .Where(c => IdPattern.IsMatch(pattern, c.Key))
                .GroupBy(c => c.Key, System.StringComparer.OrdinalIgnoreCase)
                .Select(g => g.First())
                .OrderBy(c => c.Key, Comparer<string>.Create(IdPattern.CompareNatural))
                .Select(c => new IdCompletionItem(Quote(c.Key, quote), c.Key, string.IsNullOrEmpty(c.Value) ? c.Key : c.Value))
                .ToList();
        }

        /// <summary>Quotes an id with the user's quote, or with single quotes when it would not parse bare.</summary>
        public static string Quote(string id, char quote)
        {
            if (quote == '\0' && !NeedsQuotes(id)) return id;
            if (quote == '"') return "\"" + id.Replace("`", "``").Replace("$", "`$").Replace("\"", "`\"") + "\"";
            return "'" + id.Replace("'", "''") + "'";
        }

        private static bool NeedsQuotes(string id) =>
            id.Length == 0 || id.Any(c => char.IsWhiteSpace(c) || "'\"`$;,(){}|&@#<>".IndexOf(c) >= 0) || id[0] == '-';
    }
}
