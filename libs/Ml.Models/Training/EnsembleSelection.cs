using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>One candidate's out-of-fold class probabilities: row i of the training split → its validation fold's prediction.</summary>
internal sealed record OutOfFold(TrainerCandidate Candidate, float[][] Probabilities);

/// <summary>The members of a soft-voting ensemble (distinct candidates) and their weights (summing to 1).</summary>
internal sealed record EnsembleChoice(IReadOnlyList<OutOfFold> Members, IReadOnlyList<double> Weights, double Score,
    IReadOnlyList<double> FoldPrimary, IReadOnlyList<double> FoldSelection);

/// <summary>
/// Caruana et al.'s greedy ensemble selection with replacement (as in auto-sklearn and AutoGluon) over out-of-fold
/// probabilities: each round adds the candidate (again, if it is already in) whose addition gives the best mean
/// selection score over the same folds the candidates were ranked on; the best round's bag is the ensemble, each
/// member weighted by how often it was picked. No model is fitted for the score.
/// </summary>
internal static class EnsembleSelection
{
    /// <summary>
    /// The ensemble of the pool, or null when the best bag is a single candidate. <paramref name="score"/> maps a
    /// fold's validation rows and their predictions to (primary metric, selection score, higher better).
    /// </summary>
    public static EnsembleChoice? Select(IReadOnlyList<OutOfFold> pool, IReadOnlyList<int[]> validationFolds, int rounds,
        IReadOnlyList<string> classes, Func<int, ScoreResult, (double Primary, double Selection)> score)
    {
        if (pool.Count < 2 || rounds < 2) return null;
        var rows = pool[0].Probabilities.Length;
        var k = classes.Count;
        var sum = new double[rows * k];
        var counts = new int[pool.Count];
        var bestCounts = counts;
        var bestScore = double.NegativeInfinity;

        for (var round = 1; round <= rounds; round++)
        {
            var pick = -1;
            var pickScore = double.NegativeInfinity;
            for (var m = 0; m < pool.Count; m++)
            {
                var s = Evaluate(Mix(sum, pool[m].Probabilities, round, k), validationFolds, classes, score).Score;
                if (s > pickScore) (pick, pickScore) = (m, s); // strict: ties keep the better-ranked candidate
            }

            if (pick < 0) break; // every mix scored NaN
            Accumulate(sum, pool[pick].Probabilities, k);
            counts = (int[])counts.Clone();
            counts[pick]++;
            if (pickScore > bestScore) (bestScore, bestCounts) = (pickScore, counts);
        }

        var members = Enumerable.Range(0, pool.Count).Where(m => bestCounts[m] > 0).ToArray();
        if (members.Length < 2) return null;
        var total = bestCounts.Sum();
        var weights = members.Select(m => (double)bestCounts[m] / total).ToArray();
        var mixed = Weighted(members.Select(m => pool[m].Probabilities).ToArray(), weights, rows, k);
        var (final, primary, selection) = Evaluate(mixed, validationFolds, classes, score);
        return new EnsembleChoice(members.Select(m => pool[m]).ToArray(), weights, final, primary, selection);
    }

    /// <summary>Σ weight·probabilities, in float as the ONNX graph computes it.</summary>
    public static float[][] Weighted(IReadOnlyList<float[][]> members, IReadOnlyList<double> weights, int rows, int k)
    {
        var result = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            var p = new float[k];
            for (var m = 0; m < members.Count; m++)
                for (var c = 0; c < k; c++) p[c] += (float)weights[m] * members[m][row][c];
            result[row] = p;
        }

        return result;
    }

    private static void Accumulate(double[] sum, float[][] probabilities, int k)
    {
        for (var row = 0; row < probabilities.Length; row++)
            for (var c = 0; c < k; c++) sum[row * k + c] += probabilities[row][c];
    }

    private static float[][] Mix(double[] sum, float[][] added, int members, int k)
    {
        var result = new float[added.Length][];
        for (var row = 0; row < added.Length; row++)
        {
            var p = new float[k];
            for (var c = 0; c < k; c++) p[c] = (float)((sum[row * k + c] + added[row][c]) / members);
            result[row] = p;
        }

        return result;
    }

    private static (double Score, double[] Primary, double[] Selection) Evaluate(float[][] probabilities, IReadOnlyList<int[]> validationFolds,
        IReadOnlyList<string> classes, Func<int, ScoreResult, (double Primary, double Selection)> score)
    {
        var primary = new double[validationFolds.Count];
        var selection = new double[validationFolds.Count];
        for (var f = 0; f < validationFolds.Count; f++)
        {
            var p = validationFolds[f].Select(row => probabilities[row]).ToArray();
            (primary[f], selection[f]) = score(f, new ScoreResult(null, p.Select(v => classes[FittedPipeline.ArgMax(v)]).ToArray(), p));
        }

        var mean = selection.Average();
        return (double.IsNaN(mean) ? double.NegativeInfinity : mean, primary, selection);
    }
}
