using System.Globalization;

namespace GmemPS.Kernel
{
    /// <summary>How messages and views print addresses and sizes: hex addresses, human sizes.</summary>
    public static class Hex
    {
        public static string Address(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

        public static string Signed(long value) =>
            value < 0 ? "-0x" + ((ulong)(-(value + 1)) + 1).ToString("x", CultureInfo.InvariantCulture) : Address((ulong)value);

        /// <summary>0x200000 (2 MiB); exact binary units only, otherwise hex alone.</summary>
        public static string Size(ulong value)
        {
            string human = HumanSize(value);
            return human.Length == 0 ? Address(value) : $"{Address(value)} ({human})";
        }

        /// <summary>2 MiB for a whole binary unit, else the hex (0x1001): a size in a narrow table column.</summary>
        public static string Short(ulong value)
        {
            string human = HumanSize(value);
            return human.Length == 0 ? Address(value) : human;
        }

        public static string HumanSize(ulong value)
        {
            if (value == 0) return "0 B";
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
            int unit = 0;
            ulong scaled = value;
            while (unit < units.Length - 1 && scaled >= 1024 && scaled % 1024 == 0)
            {
                scaled /= 1024;
                unit++;
            }
            return unit == 0 && value >= 1024 ? string.Empty : $"{scaled.ToString(CultureInfo.InvariantCulture)} {units[unit]}";
        }
    }
}
