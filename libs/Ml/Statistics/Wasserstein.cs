namespace Platform.Ml.Statistics;

/// <summary>
/// The first Wasserstein (earth mover's) distance between two empirical distributions, W1 = ∫ |F1(x) − F2(x)| dx,
/// as <c>scipy.stats.wasserstein_distance(u, v)</c> computes it (unweighted), and the same divided by the reference's
/// standard deviation so that one threshold fits features of any scale.
/// </summary>
public static class Wasserstein
{
    /// <summary>W1 between two samples (NaN rejected). Sorts copies: O((n+m) log(n+m)).</summary>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        if (u.IsEmpty || v.IsEmpty) throw new ArgumentException("Both samples must be non-empty.");
        var sortedU = u.ToArray();
        var sortedV = v.ToArray();
        if (sortedU.Any(double.IsNaN) || sortedV.Any(double.IsNaN)) throw new ArgumentException("Samples must not contain NaN.");
        Array.Sort(sortedU);
        Array.Sort(sortedV);
        return DistanceSorted(sortedU, sortedV);
    }

    /// <summary>W1 between two samples sorted ascending, without NaN (not checked).</summary>
    public static double DistanceSorted(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        if (sortedU.IsEmpty || sortedV.IsEmpty) throw new ArgumentException("Both samples must be non-empty.");
        // Walk the merged values; between consecutive values both ECDFs are constant, so the integral is a sum of rectangles.
        int nu = sortedU.Length, nv = sortedV.Length;
        int i = 0, j = 0;
        var sum = 0.0;
        var previous = Math.Min(sortedU[0], sortedV[0]);
        while (i < nu || j < nv)
        {
            var value = j >= nv || (i < nu && sortedU[i] <= sortedV[j]) ? sortedU[i] : sortedV[j];
            sum += Math.Abs((double)i / nu - (double)j / nv) * (value - previous);
            while (i < nu && sortedU[i] <= value) i++;
            while (j < nv && sortedV[j] <= value) j++;
            previous = value;
        }

        return sum;
    }

    /// <summary>
    /// W1 divided by the reference's population standard deviation (ddof = 0): "how many standard deviations did the
    /// distribution move". A constant reference gives 0 when the current sample is the same constant and +∞ otherwise.
    /// </summary>
    public static double NormalisedDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var w1 = Distance(reference, current);
        return Normalise(w1, StandardDeviation(reference));
    }

    internal static double Normalise(double w1, double referenceStd) =>
        referenceStd > 0 ? w1 / referenceStd : w1 == 0 ? 0.0 : double.PositiveInfinity;

    /// <summary>Population standard deviation (ddof = 0), as <c>numpy.std</c>; two passes for accuracy.</summary>
    internal static double StandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = 0.0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        var squares = 0.0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / values.Length);
    }
}
