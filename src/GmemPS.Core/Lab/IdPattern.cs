using System;

namespace GmemPS.Lab
{
    /// <summary>
    /// PowerShell's wildcard language for ids and event kinds (* ? [abc] [a-z], backtick escapes), matched
    /// case-insensitively. Plain C#, so Core and the completers match exactly as Get-GmemVm vm* does.
    /// </summary>
    public static class IdPattern
    {
        public static bool HasWildcards(string pattern)
        {
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '`') { i++; continue; }
                if (c == '*' || c == '?' || c == '[') return true;
            }
            return false;
        }

        public static bool IsMatch(string pattern, string value) => Match(pattern, 0, value, 0);

        private static bool Match(string p, int pi, string v, int vi)
        {
            while (pi < p.Length)
            {
                char c = p[pi];
                switch (c)
                {
                    case '*':
                        while (pi < p.Length && p[pi] == '*') pi++;
                        if (pi == p.Length) return true;
                        for (int k = vi; k <= v.Length; k++)
                            if (Match(p, pi, v, k)) return true;
                        return false;
                    case '?':
                        if (vi >= v.Length) return false;
                        pi++;
                        vi++;
                        break;
                    case '[':
                    {
                        if (vi >= v.Length) return false;
                        int close = p.IndexOf(']', pi + 1);
                        if (close < 0) goto default; // an unclosed bracket is a literal '['
                        if (!InSet(p.Substring(pi + 1, close - pi - 1), v[vi])) return false;
                        pi = close + 1;
                        vi++;
                        break;
                    }
                    case '`':
                        if (pi + 1 < p.Length) pi++;
                        goto default;
                    default:
                        if (vi >= v.Length || char.ToUpperInvariant(p[pi]) != char.ToUpperInvariant(v[vi])) return false;
                        pi++;
                        vi++;
                        break;
                }
            }
            return vi == v.Length;
        }

        private static bool InSet(string set, char c)
        {
            char u = char.ToUpperInvariant(c);
            for (int i = 0; i < set.Length; i++)
            {
                char lo = char.ToUpperInvariant(set[i]);
                if (i + 2 < set.Length && set[i + 1] == '-')
                {
                    char hi = char.ToUpperInvariant(set[i + 2]);
                    if (u >= lo && u <= hi) return true;
                    i += 2;
                }
                else if (u == lo) return true;
            }
            return false;
        }

        /// <summary>Orders ids as people count: vm2 before vm10, vm0/slot9 before vm0/slot10.</summary>
        public static int CompareNatural(string? a, string? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a == null) return -1;
            if (b == null) return 1;
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
                {
                    int si = i, sj = j;
                    while (i < a.Length && char.IsDigit(a[i])) i++;
                    while (j < b.Length && char.IsDigit(b[j])) j++;
                    string na = a.Substring(si, i - si).TrimStart('0'), nb = b.Substring(sj, j - sj).TrimStart('0');
                    if (na.Length != nb.Length) return na.Length.CompareTo(nb.Length);
                    int byDigits = string.CompareOrdinal(na, nb);
                    if (byDigits != 0) return byDigits;
                }
                else
                {
                    int byChar = char.ToUpperInvariant(a[i]).CompareTo(char.ToUpperInvariant(b[j]));
                    if (byChar != 0) return byChar;
                    i++;
                    j++;
                }
            }
            return (a.Length - i).CompareTo(b.Length - j);
        }
    }
}
