using System.Runtime.CompilerServices;

namespace Platform.Ml.Data.Profiling;

/// <summary>
/// Sorts up to 16 doubles without a data-dependent branch: Batcher's odd-even merge sort, a fixed sequence of
/// compare-exchanges (a min and a max each). The KLL sketch's lowest levels are compacted every few values and mostly
/// hold 8 to 16 of them; an insertion sort of random values mispredicts a branch on nearly every one, a network never
/// does.
/// </summary>
/// <remarks>
/// A network does not keep equal keys in their input order, so it may only sort values whose equal keys are the same
/// bits: no ±0 (0 and -0 compare equal) and no NaN. <c>double.MinNative</c>/<c>MaxNative</c> (one instruction, minsd
/// on x64) also differ from <c>Math.Min</c>/<c>Max</c> only for those. With them excluded, any correct sort leaves
/// exactly <c>List.Sort</c>'s bits, so <see cref="KllSketch.SortLevel"/> can use either.
/// </remarks>
internal static class SortingNetwork
{
    public const int MaxLength = 16;

    /// <summary>
    /// Sorts <paramref name="values"/> ascending if it has at most <see cref="MaxLength"/> values, none of them NaN or
    /// ±0; otherwise leaves it untouched and returns false.
    /// </summary>
    public static bool TrySort(Span<double> values)
    {
        if (values.Length > MaxLength) return false;
        // |x| > 0 is false for exactly ±0 and NaN; one pass with no early exit, as the answer is almost always yes.
        var sortable = true;
        foreach (var value in values) sortable &= Math.Abs(value) > 0;
        if (!sortable) return false;

        // Short inputs are padded with +infinity: it sorts last, and a real +infinity has the same bits.
        Span<double> padded = stackalloc double[MaxLength];
        padded.Fill(double.PositiveInfinity);
        values.CopyTo(padded);

        double a0 = padded[0], a1 = padded[1], a2 = padded[2], a3 = padded[3];
        double a4 = padded[4], a5 = padded[5], a6 = padded[6], a7 = padded[7];
        SortEight(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        if (values.Length <= 8)
        {
            padded[0] = a0; padded[1] = a1; padded[2] = a2; padded[3] = a3;
            padded[4] = a4; padded[5] = a5; padded[6] = a6; padded[7] = a7;
            padded[..values.Length].CopyTo(values);
            return true;
        }

        double b0 = padded[8], b1 = padded[9], b2 = padded[10], b3 = padded[11];
        double b4 = padded[12], b5 = padded[13], b6 = padded[14], b7 = padded[15];
        SortEight(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);

        // Batcher's odd-even merge of the two sorted runs of eight (a0..a7 are positions 0-7, b0..b7 positions 8-15).
        // Distance 8: each position against the same one in the other run.
        Exchange(ref a0, ref b0); Exchange(ref a1, ref b1); Exchange(ref a2, ref b2); Exchange(ref a3, ref b3);
        Exchange(ref a4, ref b4); Exchange(ref a5, ref b5); Exchange(ref a6, ref b6); Exchange(ref a7, ref b7);
        // Distance 4: (4,8) (5,9) (6,10) (7,11).
        Exchange(ref a4, ref b0); Exchange(ref a5, ref b1); Exchange(ref a6, ref b2); Exchange(ref a7, ref b3);
        // Distance 2: (2,4) (3,5) (6,8) (7,9) (10,12) (11,13).
        Exchange(ref a2, ref a4); Exchange(ref a3, ref a5); Exchange(ref a6, ref b0);
        Exchange(ref a7, ref b1); Exchange(ref b2, ref b4); Exchange(ref b3, ref b5);
        // Distance 1: (1,2) (3,4) ... (13,14).
        Exchange(ref a1, ref a2); Exchange(ref a3, ref a4); Exchange(ref a5, ref a6); Exchange(ref a7, ref b0);
        Exchange(ref b1, ref b2); Exchange(ref b3, ref b4); Exchange(ref b5, ref b6);

        padded[0] = a0; padded[1] = a1; padded[2] = a2; padded[3] = a3;
        padded[4] = a4; padded[5] = a5; padded[6] = a6; padded[7] = a7;
        padded[8] = b0; padded[9] = b1; padded[10] = b2; padded[11] = b3;
        padded[12] = b4; padded[13] = b5; padded[14] = b6; padded[15] = b7;
        padded[..values.Length].CopyTo(values);
        return true;
    }

    /// <summary>Batcher's odd-even merge sort of eight values: 19 compare-exchanges in 6 rounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SortEight(
        ref double x0, ref double x1, ref double x2, ref double x3,
        ref double x4, ref double x5, ref double x6, ref double x7)
    {
        // Sorted pairs, then pairs merged into sorted fours.
        Exchange(ref x0, ref x1); Exchange(ref x2, ref x3); Exchange(ref x4, ref x5); Exchange(ref x6, ref x7);
        Exchange(ref x0, ref x2); Exchange(ref x1, ref x3); Exchange(ref x4, ref x6); Exchange(ref x5, ref x7);
        Exchange(ref x1, ref x2); Exchange(ref x5, ref x6);
        // The two fours merged.
        Exchange(ref x0, ref x4); Exchange(ref x1, ref x5); Exchange(ref x2, ref x6); Exchange(ref x3, ref x7);
        Exchange(ref x2, ref x4); Exchange(ref x3, ref x5);
        Exchange(ref x1, ref x2); Exchange(ref x3, ref x4); Exchange(ref x5, ref x6);
    }

    /// <summary>Leaves the smaller value in <paramref name="low"/> and the larger in <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange(ref double low, ref double high)
    {
        var min = double.MinNative(low, high);
        high = double.MaxNative(low, high);
        low = min;
    }
}
