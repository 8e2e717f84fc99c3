namespace Platform.Ml.Data;

/// <summary>
/// Reproducible row splits that match scikit-learn exactly, so that results computed here can be compared
/// with notebooks run on the same data and seed.
/// </summary>
public static class TrainTestSplit
{
    /// <summary>
    /// The row indices of scikit-learn's <c>train_test_split(test_size=testFraction, random_state=seed)</c>:
    /// NumPy's legacy <c>RandomState(seed).permutation(rowCount)</c>, whose first <c>ceil(testFraction * rowCount)</c>
    /// entries are the test rows and the rest the training rows, both in permutation order.
    /// </summary>
    /// <param name="testFraction">Strictly between 0 and 1.</param>
    /// <param name="seed">Non-negative, as NumPy requires (it is a 32-bit unsigned seed).</param>
    public static (int[] Train, int[] Test) Split(int rowCount, double testFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be strictly between 0 and 1.");

        // Same double arithmetic as Python's math.ceil(test_size * n_samples).
        var testCount = (int)Math.Ceiling(testFraction * rowCount);
        var trainCount = rowCount - testCount;
        if (trainCount <= 0)
            throw new ArgumentException(
                $"With {rowCount} rows and a test fraction of {testFraction}, the training set would be empty.", nameof(rowCount));

        var permutation = new Mt19937((uint)seed).Permutation(rowCount);
        return (permutation[testCount..], permutation[..testCount]);
    }

    /// <summary>
    /// Shuffled k-fold cross-validation, identical to scikit-learn's <c>KFold(n_splits=folds, shuffle=True,
    /// random_state=seed).split</c>: the rows are permuted as in <see cref="Split"/>, the permutation is cut into
    /// <paramref name="folds"/> consecutive blocks (the first <c>rowCount % folds</c> blocks one row longer), and
    /// fold k validates on block k. Within each fold both index arrays are sorted ascending, as scikit-learn
    /// returns them. The same seed always gives the same folds; every row is validated exactly once.
    /// </summary>
    public static IReadOnlyList<(int[] Train, int[] Validation)> KFold(int rowCount, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        if (folds > rowCount)
            throw new ArgumentException($"Cannot make {folds} folds from {rowCount} rows.", nameof(folds));

        var permutation = new Mt19937((uint)seed).Permutation(rowCount);
        var result = new List<(int[] Train, int[] Validation)>(folds);
        var start = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            var size = rowCount / folds + (fold < rowCount % folds ? 1 : 0);
            var inValidation = new bool[rowCount];
            foreach (var row in permutation.AsSpan(start, size)) inValidation[row] = true;
            start += size;

            var validation = new int[size];
            var train = new int[rowCount - size];
            int v = 0, t = 0;
            for (var row = 0; row < rowCount; row++)
            {
                if (inValidation[row]) validation[v++] = row;
                else train[t++] = row;
            }

            result.Add((train, validation));
        }

        return result;
    }
}
