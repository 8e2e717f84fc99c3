namespace Platform.Training.DataPolicy;

/// <summary>
/// Where in a sequence of per-row losses the values jumped up: Pettitt's rank test for a single change point (Pettitt
/// 1979, "A non-parametric approach to the change-point problem"). Ranks make it indifferent to the heavy tail of
/// squared errors and usable on 0/1 errors. One-sided: only a rise of the losses counts (the champion got worse).
/// </summary>
public static class ChangePoint
{
    /// <param name="Index">The first row of the second, worse segment.</param>
    /// <param name="PValue">Pettitt's approximation for the one-sided test, exp(−6K²/(n³+n²)) (twice that is the two-sided one).</param>
    public sealed record Result(int Index, double PValue, double MeanBefore, double MeanAfter);

    /// <returns>The most likely rise; null for fewer than 2 finite values or no rise at all.</returns>
    public static Result? Rise(IReadOnlyList<double> losses)
    {
        var values = losses.Where(double.IsFinite).ToArray();
        var n = values.Length;
        if (n < 2) return null;
        var ranks = Ranks(values);

        // U_k = 2·Σ_{i<k} r_i − k(n+1) is Mann–Whitney's statistic of rows before k against the rest; its most
        // negative value marks the split where the rows before are lowest against those after.
        double sum = 0, lowest = 0;
        var split = 0;
        for (var k = 1; k < n; k++)
        {
            sum += ranks[k - 1];
            var u = 2 * sum - (double)k * (n + 1);
            if (u < lowest)
            {
                lowest = u;
                split = k;
            }
        }

        if (split == 0) return null;
        var p = Math.Min(1, Math.Exp(-6 * lowest * lowest / ((double)n * n * n + (double)n * n)));
        // The split counts finite values; map it back to the caller's rows (a NaN loss is an unlabelled row).
        var index = 0;
        for (var seen = 0; index < losses.Count && seen < split; index++)
            if (double.IsFinite(losses[index])) seen++;
        return new Result(index, p, values[..split].Average(), values[split..].Average());
    }

    /// <summary>1-based ranks, ties sharing their mean rank.</summary>
    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var i = start; i <= end; i++) ranks[order[i]] = rank;
            start = end + 1;
        }

        return ranks;
    }
}
