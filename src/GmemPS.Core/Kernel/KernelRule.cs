using System.Collections.Generic;
using System.Linq;

namespace GmemPS.Kernel
{
    /// <summary>
    /// One rule the kernel enforces: the operation, the errno it answers with, and why. The text is the
    /// explanation a user reads; it is not a validator. The simulator decides which rule a request broke
    /// by modelling the kernel; the Kvm backend only learns (operation, errno) and explains it with
    /// <see cref="KernelRules.Explain"/>.
    /// </summary>
    public sealed class KernelRule
    {
        internal KernelRule(string id, KernelOperation operation, Errno errno, string text, bool designOnly = false)
        {
            Id = id;
            Operation = operation;
            Errno = errno;
            Text = text;
            DesignOnly = designOnly;
        }

        /// <summary>Stable PascalCase id, also the PowerShell error id.</summary>
        public string Id { get; }
        public KernelOperation Operation { get; }
        public Errno Errno { get; }
        public string Text { get; }
        /// <summary>A rule of a design the real kernel does not run: it never explains a Kvm errno.</summary>
        public bool DesignOnly { get; }

        public override string ToString() => $"{Id}: {Text}";
    }

    /// <summary>The catalogue of rules, grouped by (operation, errno).</summary>
    public static partial class KernelRules
    {
        // Created on first use: the rules live in another part of this partial class, and C# does not
        // order static initialisers across files.
        private static List<KernelRule>? all;

        private static List<KernelRule> All => all ??= new List<KernelRule>();

        public static IReadOnlyList<KernelRule> Catalogue => All;

        private static KernelRule Rule(string id, KernelOperation operation, Errno errno, string text)
        {
            var rule = new KernelRule(id, operation, errno, text);
            All.Add(rule);
            return rule;
        }

        /// <summary>A rule only a simulated design enforces (src/GmemPS.Core/Designs).</summary>
        private static KernelRule DesignRule(string id, KernelOperation operation, Errno errno, string text)
        {
            var rule = new KernelRule(id, operation, errno, text, designOnly: true);
            All.Add(rule);
            return rule;
        }

        /// <summary>
        /// The rule for an errno the kernel returned from an operation. When several rules share that
        /// errno the result names them all, so the user learns every reason the kernel may have had.
        /// </summary>
        public static KernelRule Explain(KernelOperation operation, Errno errno)
        {
            var candidates = All.Where(r => !r.DesignOnly && r.Operation == operation && r.Errno == errno).ToList();
            if (candidates.Count == 1) return candidates[0];
            string name = KernelOperationNames.Of(operation);
            if (candidates.Count == 0)
                return new KernelRule($"Kernel{errno}", operation, errno, $"{name} failed with {errno}, an answer GmemPS has no rule for");
            string reasons = string.Join("; or ", candidates.Select(c => c.Text));
            return new KernelRule($"{operation}{errno}", operation, errno, $"one of: {reasons}");
        }
    }
}
