namespace Platform.Registry.Gate;

/// <summary>
/// How sure we can be that a challenger is better than the champion on the same rows. Resampling the rows with
/// replacement (the same rows for both models, so the comparison stays paired) gives the spread of the improvement a
/// holdout of this size allows; its lower quantile is what the gate compares with the margin. A large improvement on
/// few rows and a small one on many rows can both pass; a small one on few rows cannot.
/// </summary>
public static class PairedBootstrap
{
    /// <param name="Challenger">The challenger's metric on all rows (lower is better).</param>
    /// <param name="Champion">The champion's metric on all rows.</param>
    /// <param name="Improvement">Champion minus challenger: positive when the challenger is better.</param>
    /// <param name="LowerBound">The improvement's lower quantile over the resamples, at the requested confidence.</param>
    public sealed record Result(double Challenger, double Champion, double Improvement, double LowerBound);

    /// <param name="metric">"rmse" (losses are squared errors) or "error_rate" (losses are 0 or 1).</param>
    public static Result Compare(string metric, IReadOnlyList<double> challengerLosses, IReadOnlyList<double> championLosses,
        int resamples, double confidence, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfZero(challengerLosses.Count);
        if (challengerLosses.Count != championLosses.Count) throw new ArgumentException("Both models must be scored on the same rows.");
        var n = challengerLosses.Count;
        var challenger = Metric(metric, Mean(challengerLosses));
        var champion = Metric(metric, Mean(championLosses));

        var random = new Random(seed);
        var improvements = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            double sumChallenger = 0, sumChampion = 0;
            for (var i = 0; i < n; i++)
            {
                var row = random.Next(n);
                sumChallenger += challengerLosses[row];
                sumChampion += championLosses[row];
            }

            improvements[b] = Metric(metric, sumChampion / n) - Metric(metric, sumChallenger / n);
        }

        Array.Sort(improvements);
        var index = Math.Clamp((int)Math.Floor((1 - confidence) * resamples), 0, resamples - 1);
        return new Result(challenger, champion, champion - challenger, improvements[index]);
    }

    private static double Mean(IReadOnlyList<double> values)
    {
        double sum = 0;
        foreach (var value in values) sum += value;
        return sum / values.Count;
    }

    private static double Metric(string metric, double meanLoss) => metric == "rmse" ? Math.Sqrt(meanLoss) : meanLoss;
}
