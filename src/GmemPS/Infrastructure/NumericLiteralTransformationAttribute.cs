using System;
using System.Collections;
using System.Management.Automation;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// The one transformation of every numeric parameter (addresses, offsets, sizes, lengths, counts, flags, slots,
    /// types): it takes the literals users type. A number or numeric string becomes a <see cref="NumericArgument"/>,
    /// which PowerShell converts to the parameter's type through <see cref="NumericArgumentConverter"/>:
    /// <list type="bullet">
    /// <item>unsigned targets read a negative Int32/Int64 (PowerShell's type for the hex literals 0x80000000..0xFFFFFFFF
    /// and 0x8000000000000000..) as its bit pattern, so <c>-Gpa 0xC0000000</c> is 3221225472;</item>
    /// <item>strings are parsed as decimal or 0x hex, with an optional KB/MB/GB/TB/PB suffix;</item>
    /// <item>flags enums take raw numbers, undefined bits included (the kernel refuses them, not the binder);</item>
    /// <item>fractions and values the type cannot hold are refused, and PowerShell's error names the parameter.</item>
    /// </list>
    /// A literal typed on the command line reaches the binder with its spelling (PowerShell wraps it in a PSObject
    /// whose text is the token), and the spelling is what counts: 0xFFFFFFFF is 4294967295 for a signed (loff_t)
    /// parameter too, while -1 (which PowerShell passes as the text "-1") means -1 and an unsigned parameter refuses it.
    /// A value held in a variable has lost its spelling: a negative Int32/Int64 there keeps its value for a signed
    /// parameter and is read as its bit pattern by an unsigned one.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class NumericLiteralTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>For a [Flags] enum parameter: every number goes through the converter, which passes bits the enum does
        /// not define (PowerShell's own conversion refuses them).</summary>
        public bool RawBits { get; set; }

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? data = Unwrap(inputData);
            if (data is string || !(data is IEnumerable items)) return Wrap(inputData) ?? inputData;
            var list = new ArrayList();
            bool changed = false;
            foreach (object? item in items)
            {
                object? wrapped = Wrap(item);
                changed |= wrapped != null && !ReferenceEquals(wrapped, item);
                list.Add(wrapped ?? item);
            }
            // Nothing to convert: the array as it came, so PowerShell binds it without copying.
            return changed ? list.ToArray() : inputData;
        }

        private object? Wrap(object? input)
        {
            try
            {
                object? value = Unwrap(input);
                // A whole number that is not negative means what it says whatever its spelling: PowerShell's own (fast)
                // conversion keeps it exact, and names the parameter when it does not fit.
                if (!RawBits && IsNonNegativeWhole(value)) return input;
                // The token as typed (0xFFFFFFFF, 2MB), when PowerShell kept one that differs from the value's own text.
                if (input is PSObject typed && value is IFormattable number && !(value is string))
                {
                    string spelling = typed.ToString();
                    if (spelling != number.ToString(null, System.Globalization.CultureInfo.InvariantCulture))
                        return NumericArgument.FromSpelling(spelling) ?? NumericArgument.From(value);
                }
                return NumericArgument.From(value);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentTransformationMetadataException(e.Message, e);
            }
        }

        private static bool IsNonNegativeWhole(object? value) => value switch
        {
            byte _ or ushort _ or uint _ or ulong _ => true,
            sbyte v => v >= 0,
            short v => v >= 0,
            int v => v >= 0,
            long v => v >= 0,
            _ => false,
        };

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
    }
}
