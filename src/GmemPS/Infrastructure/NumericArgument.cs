using System;
using System.ComponentModel;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace GmemPS.Infrastructure
{
    /// <summary>
    /// A number a user gave a numeric parameter, on its way to the parameter's type. PowerShell types the hex
    /// literals 0x80000000..0xFFFFFFFF as negative Int32 and 0x8000000000000000.. as negative Int64, so the
    /// value alone cannot say what was meant; this keeps the exact value and the width it was typed with, and
    /// <see cref="NumericArgumentConverter"/> decides once the target type is known (PowerShell asks it while it
    /// coerces the argument to the parameter's type).
    /// </summary>
    [TypeConverter(typeof(NumericArgumentConverter))]
    public sealed class NumericArgument
    {
        private NumericArgument(BigInteger value, int signedWidth, string text)
        {
            Value = value;
            SignedWidth = signedWidth;
            Text = text;
        }

        /// <summary>The exact value as typed (a negative Int32 stays negative here).</summary>
        public BigInteger Value { get; }

        /// <summary>Bits of the signed integer type it arrived as (8, 16, 32, 64), or 0: a negative value of that
        /// width is also read as its unsigned bit pattern by an unsigned target.</summary>
        public int SignedWidth { get; }

        /// <summary>How the user wrote it (for errors).</summary>
        public string Text { get; }

        public override string ToString() => Text;

        /// <summary>The argument for a number or a numeric string; null for anything else (names, objects), which
        /// PowerShell then converts as usual.</summary>
        /// <exception cref="ArgumentException">A fraction, or a number PowerShell cannot hold exactly.</exception>
        public static NumericArgument? From(object? input)
        {
            switch (input)
            {
                case sbyte v: return new NumericArgument(v, 8, Show(v));
                case short v: return new NumericArgument(v, 16, Show(v));
                case int v: return new NumericArgument(v, 32, Show(v));
                case long v: return new NumericArgument(v, 64, Show(v));
                case byte v: return new NumericArgument(v, 0, Show(v));
                case ushort v: return new NumericArgument(v, 0, Show(v));
                case uint v: return new NumericArgument(v, 0, Show(v));
                case ulong v: return new NumericArgument(v, 0, Show(v));
                case BigInteger v: return new NumericArgument(v, 0, v.ToString(CultureInfo.InvariantCulture));
                case decimal v: return Whole(v == decimal.Truncate(v), v.ToString(CultureInfo.InvariantCulture), () => new BigInteger(v));
                case double v: return Whole(!double.IsNaN(v) && !double.IsInfinity(v) && v == Math.Truncate(v),
                    v.ToString("R", CultureInfo.InvariantCulture), () => new BigInteger(v));
                case float v: return From((double)v);
                case string s: return Parse(s);
                default: return null;
            }
        }

        /// <summary>The value for <paramref name="target"/>, an integral type or an enum (any bits, defined or not:
        /// undefined flag bits are the kernel's to refuse).</summary>
        /// <exception cref="ArgumentException">The value does not fit the target.</exception>
        public object To(Type target)
        {
            Type integral = target.IsEnum ? Enum.GetUnderlyingType(target) : target;
            if (!Ranges.TryGetValue(integral, out var range))
                throw new ArgumentException($"{Text} is a number, not a {target.Name}.");
            BigInteger value = Value;
            // An unsigned target reads a negative literal of a signed width as its bit pattern: 0xC0000000 arrives
            // as Int32 -1073741824 and means 3221225472.
            if (range.Min.IsZero && value.Sign < 0 && SignedWidth > 0 && value >= -(BigInteger.One << (SignedWidth - 1)))
                value += BigInteger.One << SignedWidth;
            if (value < range.Min || value > range.Max)
                throw new ArgumentException(
                    $"{Text} is outside what a {target.Name} holds ({Show(range.Min)} to {Show(range.Max)}).");
            object number = Convert.ChangeType(value.Sign < 0 ? (object)(long)value : (ulong)value, integral, CultureInfo.InvariantCulture);
            return target.IsEnum ? Enum.ToObject(target, number) : number;
        }

        /// <summary>The integral types a numeric parameter can have, with their ranges.</summary>
        public static bool IsIntegral(Type type) => Ranges.ContainsKey(type);

        private static readonly System.Collections.Generic.Dictionary<Type, (BigInteger Min, BigInteger Max)> Ranges =
            new System.Collections.Generic.Dictionary<Type, (BigInteger, BigInteger)>
            {
                [typeof(sbyte)] = (sbyte.MinValue, sbyte.MaxValue),
                [typeof(byte)] = (byte.MinValue, byte.MaxValue),
                [typeof(short)] = (short.MinValue, short.MaxValue),
                [typeof(ushort)] = (ushort.MinValue, ushort.MaxValue),
                [typeof(int)] = (int.MinValue, int.MaxValue),
                [typeof(uint)] = (uint.MinValue, uint.MaxValue),
                [typeof(long)] = (long.MinValue, long.MaxValue),
                [typeof(ulong)] = (ulong.MinValue, ulong.MaxValue),
            };

        /// <summary>The value of a literal's spelling ('0xFFFFFFFF' is 4294967295, '2MB'), or null when it is not one this reads.</summary>
        public static NumericArgument? FromSpelling(string spelling) => Parse(spelling);

        private static readonly (string Suffix, int Shift)[] Multipliers = { ("KB", 10), ("MB", 20), ("GB", 30), ("TB", 40), ("PB", 50) };

        /// <summary>'4096', '0xC0000000', '-1', '2MB', '0x10KB' (text has no Int32 wrap-around: '0xFFFFFFFF' is 4294967295).</summary>
        private static NumericArgument? Parse(string text)
        {
            string s = text.Trim();
            int shift = 0;
            foreach (var (suffix, bits) in Multipliers)
                if (s.Length > suffix.Length && s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    shift = bits;
                    s = s.Substring(0, s.Length - suffix.Length);
                    break;
                }
            bool negative = s.StartsWith("-", StringComparison.Ordinal);
            if (negative || s.StartsWith("+", StringComparison.Ordinal)) s = s.Substring(1);
            BigInteger magnitude;
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                string digits = s.Substring(2);
                // A leading 0 keeps BigInteger from reading the top bit as a sign.
                if (digits.Length == 0 || !BigInteger.TryParse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude))
                    return null;
            }
            else if (s.Length == 0 || !BigInteger.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude))
            {
                return decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal fraction) ? From(fraction) : null;
            }
            magnitude <<= shift;
            return new NumericArgument(negative ? -magnitude : magnitude, 0, text);
        }

        private static NumericArgument Whole(bool whole, string text, Func<BigInteger> value) =>
            whole ? new NumericArgument(value(), 0, text) : throw new ArgumentException($"{text} has a fraction; this parameter takes whole numbers.");

        private static string Show(BigInteger value) =>
            value.Sign < 0 || value < 10
                ? value.ToString(CultureInfo.InvariantCulture)
                : $"{value.ToString(CultureInfo.InvariantCulture)} (0x{value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0')})";
    }

    /// <summary>Lets PowerShell convert a <see cref="NumericArgument"/> to the parameter's type.</summary>
    public sealed class NumericArgumentConverter : PSTypeConverter
    {
        public override bool CanConvertFrom(object sourceValue, Type destinationType) => false;

        public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
            throw new NotSupportedException();

        public override bool CanConvertTo(object sourceValue, Type destinationType) =>
            sourceValue is NumericArgument && (NumericArgument.IsIntegral(destinationType) || destinationType.IsEnum);

        public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
            ((NumericArgument)sourceValue).To(destinationType);
    }
}
