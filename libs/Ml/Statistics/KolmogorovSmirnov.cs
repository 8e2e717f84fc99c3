namespace Platform.Ml.Statistics;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test, matching <c>scipy.stats.ks_2samp(data1, data2, alternative, method="auto")</c>
/// (SciPy 1.10): the exact null distribution when both samples have at most 10,000 values, otherwise the asymptotic one
/// (two-sided: the one-sample Kolmogorov distribution <c>kstwo</c> at n = round(n1·n2/(n1+n2)); one-sided: Hodges' eq. 5.3).
/// When the exact computation overflows or fails, the asymptotic one is used, as SciPy does.
/// </summary>
/// <remarks>
/// One deliberate difference: the exact lattice recursion flushes subnormal intermediates to 0 (SciPy keeps them, and is
/// then ~100× slower on strongly drifted columns). This moves the p-value by less than 1e-300 in absolute terms, so p-values
/// that are normal doubles agree; where SciPy returns a subnormal such as 2.5e-321, this returns 0.
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>SciPy's <c>MAX_AUTO_N</c>: 'auto' is exact when both sizes are at most this.</summary>
    public const int MaxExactSampleSize = 10_000;

    /// <summary>Tests whether <paramref name="sample1"/> and <paramref name="sample2"/> come from the same continuous distribution.</summary>
    /// <remarks>Ties are handled as SciPy does: both CDFs are evaluated after every copy of a value. NaN is rejected (SciPy would
    /// sort it last and silently count it); drop missing values first.</remarks>
    public static KsResult Test(ReadOnlySpan<double> sample1, ReadOnlySpan<double> sample2, KsAlternative alternative = KsAlternative.TwoSided)
    {
        if (sample1.IsEmpty || sample2.IsEmpty) throw new ArgumentException("Both samples must be non-empty.");
        var sorted1 = SortedCopy(sample1, nameof(sample1));
        var sorted2 = SortedCopy(sample2, nameof(sample2));
        return TestSorted(sorted1, sorted2, alternative);
    }

    /// <summary>As <see cref="Test"/>, for samples already sorted ascending (not checked) and free of NaN: no copy is made.</summary>
    public static KsResult TestSorted(ReadOnlySpan<double> sorted1, ReadOnlySpan<double> sorted2, KsAlternative alternative = KsAlternative.TwoSided)
    {
        if (sorted1.IsEmpty || sorted2.IsEmpty) throw new ArgumentException("Both samples must be non-empty.");
        int n1 = sorted1.Length, n2 = sorted2.Length;
        var (maxPlus, maxMinus) = ExtremeDifferences(sorted1, sorted2);

        // SciPy clips -min(F1 - F2) at 0; max(F1 - F2) is never negative because both CDFs reach 1 at the last point.
        var d = alternative switch
        {
            KsAlternative.Less => maxMinus,
            KsAlternative.Greater => maxPlus,
            _ => maxMinus > maxPlus ? maxMinus : maxPlus,
        };

        if (Math.Max(n1, n2) <= MaxExactSampleSize)
        {
            var exact = KolmogorovSmirnovExact.TryPValue(n1, n2, d, alternative, out var latticeD, out var exactP);
            if (exact) return new KsResult(latticeD, Math.Clamp(exactP, 0.0, 1.0), "exact");
            // SciPy keeps the lattice-rounded D when it falls back, so the asymptotic p-value uses it too.
            d = latticeD;
        }

        return new KsResult(d, Math.Clamp(AsymptoticPValue(n1, n2, d, alternative), 0.0, 1.0), "asymp");
    }

    /// <summary>
    /// max(F1 − F2) and max(F2 − F1) over all data points, in one merge pass over the sorted samples: O(n1 + n2).
    /// The CDFs are evaluated only after all copies of a value in both samples are consumed, which is what SciPy's
    /// <c>searchsorted(side="right")</c> does, so ties never create a spurious step.
    /// </summary>
    internal static (double MaxPlus, double MaxMinus) ExtremeDifferences(ReadOnlySpan<double> sorted1, ReadOnlySpan<double> sorted2)
    {
        int n1 = sorted1.Length, n2 = sorted2.Length;
        double dn1 = n1, dn2 = n2;
        int i = 0, j = 0;
        var maxDiff = double.NegativeInfinity;
        var minDiff = double.PositiveInfinity;
        while (i < n1 || j < n2)
        {
            var value = j >= n2 || (i < n1 && sorted1[i] <= sorted2[j]) ? sorted1[i] : sorted2[j];
            while (i < n1 && sorted1[i] <= value) i++;
            while (j < n2 && sorted2[j] <= value) j++;
            // Same arithmetic as SciPy (count / n, then subtract) so the statistic agrees to the last bit.
            var diff = i / dn1 - j / dn2;
            if (diff > maxDiff) maxDiff = diff;
            if (diff < minDiff) minDiff = diff;
        }

        return (maxDiff, Math.Clamp(-minDiff, 0.0, 1.0));
    }

    internal static double AsymptoticPValue(int n1, int n2, double d, KsAlternative alternative)
    {
        // Hodges' one-sided formula is not symmetric in the sizes: m must be the larger.
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var en = m * n / (m + n);
        if (alternative == KsAlternative.TwoSided)
        {
            // np.round rounds half to even, as Math.Round does by default.
            return KolmogorovDistribution.Survival((int)Math.Round(en), d);
        }

        var z = Math.Sqrt(en) * d;
        var exponent = -2 * z * z - 2 * z * (m + 2 * n) / Math.Sqrt(m * n * (m + n)) / 3.0;
        return Math.Exp(exponent);
    }

    private static double[] SortedCopy(ReadOnlySpan<double> sample, string name)
    {
        var copy = sample.ToArray();
        foreach (var value in copy)
        {
            if (double.IsNaN(value)) throw new ArgumentException("Samples must not contain NaN.", name);
        }

        Array.Sort(copy);
        return copy;
    }
}
