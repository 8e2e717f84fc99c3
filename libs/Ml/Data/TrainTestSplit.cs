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
    /// <summary>
    /// The row indices of scikit-learn's <c>train_test_split(test_size=testFraction, random_state=seed, stratify=y)</c>
    /// (its <c>StratifiedShuffleSplit</c> with one split): per class, the training and test counts are the
    /// "approximate mode" of the class shares (floors, then the largest remainders, ties broken at random); each
    /// class's rows are permuted and cut; the training and test rows are each permuted once more.
    /// </summary>
    /// <param name="classOfRow">Each row's class as an index into the classes in sorted order (NumPy's <c>np.unique</c> order).</param>
    public static (int[] Train, int[] Test) StratifiedSplit(IReadOnlyList<int> classOfRow, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(classOfRow);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be strictly between 0 and 1.");

        var rowCount = classOfRow.Count;
        var testCount = (int)Math.Ceiling(testFraction * rowCount);
        var trainCount = rowCount - testCount;
        var rowsOfClass = RowsByClass(classOfRow);
        var counts = rowsOfClass.Select(rows => rows.Count).ToArray();
        if (counts.Any(c => c < 2))
            throw new ArgumentException("Every class needs at least two rows for a stratified split.", nameof(classOfRow));
        if (trainCount < counts.Length || testCount < counts.Length)
            throw new ArgumentException(
                $"With {rowCount} rows and a test fraction of {testFraction}, a stratified split cannot put each of the {counts.Length} classes on both sides.",
                nameof(classOfRow));

        var random = new Mt19937((uint)seed);
        var trainPerClass = ApproximateMode(counts, trainCount, random);
        var testPerClass = ApproximateMode(counts.Select((c, i) => c - trainPerClass[i]).ToArray(), testCount, random);
        var train = new List<int>(trainCount);
        var test = new List<int>(testCount);
        for (var k = 0; k < counts.Length; k++)
        {
            var permutation = random.Permutation(counts[k]);
            for (var i = 0; i < trainPerClass[k] + testPerClass[k]; i++)
                (i < trainPerClass[k] ? train : test).Add(rowsOfClass[k][permutation[i]]);
        }

        return (Permuted(train, random), Permuted(test, random));
    }

    /// <summary>
    /// Stratified shuffled k-fold cross-validation, identical to scikit-learn's <c>StratifiedKFold(n_splits=folds,
    /// shuffle=True, random_state=seed).split(X, y)</c>: classes are numbered by first appearance; the rows sorted by
    /// class are dealt round-robin to the folds to fix how many of each class each fold validates; then, class by
    /// class, that block of fold numbers is shuffled and assigned to the class's rows in row order. Index arrays are
    /// sorted ascending.
    /// </summary>
    /// <param name="classOfRow">Each row's class (any integer code; only equality matters).</param>
    public static IReadOnlyList<(int[] Train, int[] Validation)> StratifiedKFold(IReadOnlyList<int> classOfRow, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(classOfRow);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var rowCount = classOfRow.Count;

        // Classes in order of first appearance, as scikit-learn re-encodes them.
        var codeOf = new Dictionary<int, int>();
        var encoded = new int[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            if (!codeOf.TryGetValue(classOfRow[row], out var code)) codeOf[classOfRow[row]] = code = codeOf.Count;
            encoded[row] = code;
        }

        var classCount = codeOf.Count;
        var counts = new int[classCount];
        foreach (var code in encoded) counts[code]++;
        if (counts.All(c => folds > c))
            throw new ArgumentException($"Cannot make {folds} stratified folds: no class has {folds} rows.", nameof(folds));

        // allocation[f][k]: rows of class k validated in fold f (round robin over the rows sorted by class).
        var allocation = new int[folds][];
        for (var f = 0; f < folds; f++) allocation[f] = new int[classCount];
        var position = 0;
        for (var k = 0; k < classCount; k++)
            for (var i = 0; i < counts[k]; i++, position++)
                allocation[position % folds][k]++;

        var random = new Mt19937((uint)seed);
        var foldOfRow = new int[rowCount];
        for (var k = 0; k < classCount; k++)
        {
            var blocks = new List<int>(counts[k]);
            for (var f = 0; f < folds; f++) blocks.AddRange(Enumerable.Repeat(f, allocation[f][k]));
            var shuffled = Permuted(blocks, random);
            var next = 0;
            for (var row = 0; row < rowCount; row++)
                if (encoded[row] == k) foldOfRow[row] = shuffled[next++];
        }

        return Enumerable.Range(0, folds).Select(f =>
        {
            var validation = Enumerable.Range(0, rowCount).Where(row => foldOfRow[row] == f).ToArray();
            var train = Enumerable.Range(0, rowCount).Where(row => foldOfRow[row] != f).ToArray();
            return (train, validation);
        }).ToArray();
    }

    private static List<int>[] RowsByClass(IReadOnlyList<int> classOfRow)
    {
        if (classOfRow.Any(c => c < 0)) throw new ArgumentException("Every row needs a class.", nameof(classOfRow));
        var classCount = classOfRow.Count == 0 ? 0 : classOfRow.Max() + 1;
        var rows = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (var row = 0; row < classOfRow.Count; row++) rows[classOfRow[row]].Add(row);
        if (rows.Any(r => r.Count == 0)) throw new ArgumentException("Class indexes must be 0..K-1 with every class present.", nameof(classOfRow));
        return rows;
    }

    /// <summary>
    /// scikit-learn's <c>_approximate_mode</c>: per class <c>floor(count / total * draws)</c>, then one more for the
    /// largest remainders until <paramref name="draws"/> are placed; among equal remainders NumPy's legacy
    /// <c>choice(replace=False)</c> (a permutation's prefix) picks which ones.
    /// </summary>
    private static int[] ApproximateMode(int[] counts, int draws, Mt19937 random)
    {
        double total = counts.Sum();
        var continuous = counts.Select(c => c / total * draws).ToArray();
        var floored = continuous.Select(Math.Floor).ToArray();
        var needToAdd = (int)(draws - floored.Sum());
        if (needToAdd > 0)
        {
            var remainder = continuous.Select((c, i) => c - floored[i]).ToArray();
            foreach (var value in remainder.Distinct().OrderDescending())
            {
                var tied = Enumerable.Range(0, remainder.Length).Where(i => remainder[i] == value).ToArray();
                var addNow = Math.Min(tied.Length, needToAdd);
                var chosen = random.Permutation(tied.Length);
                for (var i = 0; i < addNow; i++) floored[tied[chosen[i]]] += 1;
                needToAdd -= addNow;
                if (needToAdd == 0) break;
            }
        }

        return floored.Select(f => (int)f).ToArray();
    }

    /// <summary>NumPy's legacy <c>RandomState.permutation(array)</c>: the array reordered by <c>permutation(len)</c>.</summary>
    private static int[] Permuted(List<int> items, Mt19937 random)
    {
        var permutation = random.Permutation(items.Count);
        return permutation.Select(i => items[i]).ToArray();
    }
}
