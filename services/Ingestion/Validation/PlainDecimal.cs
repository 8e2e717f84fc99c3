namespace Platform.Ingestion.Validation;

/// <summary>
/// The common case of a numeric CSV field, <c>[+-]digits[.digits]</c> with at most 15 significant digits, converted
/// without <see cref="double.TryParse(ReadOnlySpan{byte}, System.Globalization.NumberStyles, IFormatProvider?, out double)"/>.
/// The result is the same double: the digits form an integer below 2^53 and the scale is a power of ten up to 10^15,
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
        if (text.Length > 0 && text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        // The integer digits, then (after a point) the fraction's: two tight loops, no per-digit test for the point.
        long mantissa = 0;
        var significant = 0;
        var integerStart = i;
        if (!Digits(text, ref i, ref mantissa, ref significant)) return false;
        var integerDigits = i - integerStart;
        var scale = 0;
        if (i < text.Length)
        {
            if (text[i] != (byte)'.') return false;
            var fractionStart = ++i;
            if (!Digits(text, ref i, ref mantissa, ref significant) || i < text.Length) return false;
            scale = i - fractionStart;
            // "1." and ".5" are left to the general parser, which knows what it accepts.
            if (scale == 0) return false;
        }

        // "", "-" and ".5".
        if (integerDigits == 0 || scale >= PowersOfTen.Length) return false;
        var magnitude = scale == 0 ? mantissa : mantissa / PowersOfTen[scale];
        // -0 as double.Parse gives it.
        value = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>Reads digits up to the first other byte; false when there are more than <see cref="MaxDigits"/> significant ones.</summary>
    private static bool Digits(ReadOnlySpan<byte> text, ref int i, ref long mantissa, ref int significant)
    {
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - (byte)'0');
            if (digit > 9) return true;
            // Leading zeros are not significant digits: "0.000123" has three.
            if ((mantissa | digit) != 0 && ++significant > MaxDigits) return false;
            mantissa = mantissa * 10 + digit;
        }

        return true;
    }
}
