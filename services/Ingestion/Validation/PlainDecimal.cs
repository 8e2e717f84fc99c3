namespace Platform.Ingestion.Validation;

/// <summary>
/// The common case of a numeric CSV field, <c>[+-]digits[.digits]</c> with at most 15 significant digits, converted
/// without <see cref="double.TryParse(ReadOnlySpan{byte}, System.Globalization.NumberStyles, IFormatProvider?, out double)"/>.
/// The result is the same double: the digits form an integer below 2^53 and the scale is a power of ten up to 10^22,
/// both exact in binary, and one IEEE division of exact operands is correctly rounded (Clinger's fast path). Anything
/// else (exponents, white space, more digits, words) is left to the general parser.
/// </summary>
internal static class PlainDecimal
{
    private const int MaxDigits = 15;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        long mantissa = 0;
        int digits = 0, fraction = -1, significant = 0;
        for (; i < text.Length; i++)
        {
            var b = text[i];
            if (b == (byte)'.')
            {
                if (fraction >= 0) return false;
                fraction = 0;
                continue;
            }

            var digit = b - (byte)'0';
            if ((uint)digit > 9) return false;
            digits++;
            if (fraction >= 0) fraction++;
            // Leading zeros are not significant digits: "0.000123" has three.
            if (mantissa == 0 && digit == 0) continue;
            if (++significant > MaxDigits) return false;
            mantissa = mantissa * 10 + digit;
        }

        // "", "-", ".", "1." and ".5" are left to the general parser, which knows what it accepts.
        if (digits == 0 || fraction == 0 || (fraction > 0 && digits == fraction)) return false;
        var scale = Math.Max(fraction, 0);
        if (scale >= PowersOfTen.Length) return false;
        var magnitude = scale == 0 ? mantissa : mantissa / PowersOfTen[scale];
        // -0 as double.Parse gives it.
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
