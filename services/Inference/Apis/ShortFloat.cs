using System.Text.Json;

namespace Platform.Inference.Apis;

/// <summary>
/// Writes a class probability (a float32 from 0.0001 to 1) as the shortest decimal that reads back as the same float,
/// without the general formatter, which was 4% of a 100-row predict's CPU (three probabilities a row); the text is
/// byte for byte what <see cref="Utf8JsonWriter.WriteNumberValue(float)"/> writes (checked against it on every float
/// from 0.25 to 1 and on samples of the rest). Any other value is left to that.
/// </summary>
public static class ShortFloat
{
    /// <summary>Digits after the point needed at most: the smallest value taken (1e-4) has its ninth significant digit at 1e-12.</summary>
    private const int MaxPlaces = 13;

    private static readonly ulong[] PowersOfFive = Enumerable.Range(0, MaxPlaces + 1).Select(k => (ulong)Math.Pow(5, k)).ToArray();

    public static void Write(Utf8JsonWriter writer, float value)
    {
        // A raw value is not indented: an indented writer gets the general form.
        Span<byte> text = stackalloc byte[16];
        if (!writer.Options.Indented && TryFormat(value, text, out var length)) writer.WriteRawValue(text[..length], skipInputValidation: true);
        else writer.WriteNumberValue(value);
    }

    /// <summary>The shortest text that reads back as <paramref name="value"/>, when it is from 1e-4 to 1; false otherwise.</summary>
    public static bool TryFormat(float value, Span<byte> text, out int length)
    {
        length = 0;
        if (!(value >= 1e-4f && value <= 1f)) return false; // NaN fails both comparisons

        // value = m * 2^-s exactly (m has 24 bits). The decimals that read back as value lie within half a gap to
        // either neighbour, both ends included when m is even (a tie is read as the even neighbour). In units of
        // 2^-(s+2): the value is 4m, the ends 4m - 2 (4m - 1 below a power of two, whose lower gap is half) and 4m + 2.
        var bits = BitConverter.SingleToUInt32Bits(value);
        var exponent = (int)(bits >> 23);
        var fraction = bits & 0x7FFFFF;
        var m = fraction | 0x800000UL;
        var s = 150 - exponent;
        var inclusive = (m & 1) == 0;
        var low = 4 * m - (fraction == 0 ? 1UL : 2UL);
        var high = 4 * m + 2;

        // The fewest places after the point for which a decimal lies within the ends is the shortest text (the leading
        // digit's place is fixed by the magnitude), and of those decimals the one nearest the value is the one written.
        for (var places = 0; places <= MaxPlaces; places++)
        {
            // d / 10^places against n / 2^(s+2): d * 2^shift against n * 5^places, shift = s + 2 - places (>= 12).
            var shift = s + 2 - places;
            var mask = (1UL << shift) - 1;
            var five = PowersOfFive[places];
            var lowScaled = low * five;
            var highScaled = high * five;
            var first = (lowScaled >> shift) + ((lowScaled & mask) != 0 || !inclusive ? 1UL : 0UL);
            var last = (highScaled >> shift) - ((highScaled & mask) == 0 && !inclusive ? 1UL : 0UL);
            if (first > last) continue;

            var exact = 4 * m * five;
            var nearest = exact >> shift;
            var remainder = exact & mask;
            var half = 1UL << (shift - 1);
            if (remainder > half || (remainder == half && (nearest & 1) == 1)) nearest++;
            nearest = Math.Clamp(nearest, first, last);
            length = Digits(nearest, places, text);
            return true;
        }

        return false;
    }

    /// <summary>"1" for 1 and no places, else "0." and <paramref name="digits"/> padded to <paramref name="places"/> digits.</summary>
    private static int Digits(ulong digits, int places, Span<byte> text)
    {
        if (places == 0)
        {
            text[0] = (byte)('0' + (int)digits);
            return 1;
        }

        text[0] = (byte)'0';
        text[1] = (byte)'.';
        for (var i = places + 1; i >= 2; i--, digits /= 10) text[i] = (byte)('0' + (int)(digits % 10));
        return places + 2;
    }
}
