using System.Text.Json;

namespace Platform.Contracts;

/// <summary>
/// Writes a number that is a short decimal (at most four places, under 1e9 in magnitude: what measured features
/// mostly are, 5.1 or 140) without the general shortest round-trip formatter, which cost the gateway about 5% of a
/// 100-row request's CPU in the prediction log; the text is byte for byte what <see cref="Utf8JsonWriter.WriteNumberValue(double)"/>
/// writes. Any other value is left to that.
/// </summary>
public static class ShortDecimal
{
    private const int MaxPlaces = 4;
    private static readonly double[] Scales = [1, 10, 100, 1_000, 10_000];

    public static void Write(Utf8JsonWriter writer, double value)
    {
        // A raw value is not indented: an indented writer (none on the bus, which writes compact JSON) gets the general form.
        Span<byte> text = stackalloc byte[16];
        if (!writer.Options.Indented && TryFormat(value, text, out var length)) writer.WriteRawValue(text[..length], skipInputValidation: true);
        else writer.WriteNumberValue(value);
    }

    /// <summary>
    /// The shortest text that reads back as <paramref name="value"/>, when that has at most four decimal places; false
    /// otherwise (and for zero, whose sign the general formatter keeps).
    /// </summary>
    public static bool TryFormat(double value, Span<byte> text, out int length)
    {
        length = 0;
        var magnitude = Math.Abs(value);
        // Under 1e9 the spacing of doubles is below 1.2e-7: at most one decimal of four places or fewer reads back as
        // the value, so the fewest places that do are the shortest text, the one the general formatter picks. The
        // check divides two exact doubles (an integer under 2^53 and a power of ten), which rounds as parsing does.
        if (!(magnitude < 1e9) || value == 0) return false; // NaN fails the comparison
        for (var places = 0; places <= MaxPlaces; places++)
        {
            var scaled = Math.Round(magnitude * Scales[places]);
            if (scaled / Scales[places] != magnitude) continue;
            length = Digits((long)scaled, places, value < 0, text);
            return true;
        }

        return false;
    }

    /// <summary><paramref name="digits"/> with a point <paramref name="places"/> from the right ("0.05" for 5 and 2).</summary>
    private static int Digits(long digits, int places, bool negative, Span<byte> text)
    {
        Span<byte> reversed = stackalloc byte[16];
        var count = 0;
        for (; digits > 0 || count <= places; digits /= 10)
        {
            if (count == places && places > 0) reversed[count++] = (byte)'.';
            reversed[count++] = (byte)('0' + digits % 10);
        }

        var length = 0;
        if (negative) text[length++] = (byte)'-';
        while (count > 0) text[length++] = reversed[--count];
        return length;
    }
}
