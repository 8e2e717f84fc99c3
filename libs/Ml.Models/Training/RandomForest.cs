namespace Platform.Ml.Models.Training;

/// <summary>
/// A random forest's settings, as scikit-learn's <c>RandomForestClassifier</c> names them: bootstrap samples, a
/// random subset of <c>max_features = sqrt(features)</c> tried at every split, Gini impurity, trees grown until their
/// leaves are pure or hold fewer than two distinct rows (<c>min_samples_leaf</c> rows at least).
/// </summary>
internal sealed record RandomForestSettings(int Trees, int MinPerLeaf = 1);

/// <summary>
/// One tree of a <see cref="RandomForestModel"/>. Internal node j goes left when <c>x[Feature[j]] &lt;= Threshold[j]</c>;
/// a negative child <c>~i</c> is leaf i. A tree that never split has no internal node and one leaf.
/// <see cref="LeafVotes"/> holds, per leaf, the class shares of its training rows divided by the tree count
/// (<c>[leaf × classes + class]</c>): the forest's probability is the plain sum of one leaf per tree.
/// </summary>
internal sealed record ForestTree(int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] LeafVotes);

/// <summary>A fitted multiclass random forest: per-tree class shares averaged, as scikit-learn's predict_proba.</summary>
internal sealed class RandomForestModel(IReadOnlyList<ForestTree> trees, int classes, int features)
{
    public IReadOnlyList<ForestTree> Trees { get; } = trees;
    public int Classes { get; } = classes;
    public int Features { get; } = features;

    /// <summary>
    /// Class probabilities of one row: the leaf votes summed in double in tree order, then cast to float, which is
    /// what ONNX Runtime's TreeEnsembleClassifier computes on double input.
    /// </summary>
    public float[] Probabilities(ReadOnlySpan<float> x)
    {
        Span<double> sums = stackalloc double[Classes];
        sums.Clear();
        foreach (var tree in Trees)
        {
            var leaf = LeafOf(tree, x);
            for (var k = 0; k < Classes; k++) sums[k] += tree.LeafVotes[leaf * Classes + k];
        }

        var result = new float[Classes];
        for (var k = 0; k < Classes; k++) result[k] = (float)sums[k];
        return result;
    }

    private static int LeafOf(ForestTree tree, ReadOnlySpan<float> x)
    {
        if (tree.Left.Length == 0) return 0;
        var node = 0;
        while (node >= 0) node = x[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
        return ~node;
    }
}

/// <summary>
/// Grows a <see cref="RandomForestModel"/>. Pure and deterministic: tree t draws its bootstrap sample and its
/// feature subsets from its own generator seeded by (seed, t), so the forest depends on the data and the seed only.
/// Split search: the node's rows sorted by each candidate feature, every boundary between distinct values scored by
/// the weighted Gini decrease (bootstrap counts are the weights, as scikit-learn's), the first best kept; the
/// threshold is the largest float32 at or below the midpoint, so ONNX's float comparison sends every row the same way.
/// </summary>
internal static class RandomForest
{
    /// <param name="x">Row-major features, <paramref name="rows"/> × <paramref name="features"/>, no NaN (imputed).</param>
    /// <param name="y">Class index of each row, 0 ≤ y &lt; <paramref name="classes"/>.</param>
    public static RandomForestModel Fit(float[] x, int rows, int features, int[] y, int classes, RandomForestSettings settings, int seed,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MinPerLeaf, 1);
        if (x.Length != rows * features || y.Length != rows) throw new ArgumentException("Features and labels disagree in length.");
        var maxFeatures = Math.Max(1, (int)Math.Sqrt(features));
        var trees = new ForestTree[settings.Trees];
        for (var t = 0; t < trees.Length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grower = new TreeGrower(x, rows, features, y, classes, maxFeatures, settings.MinPerLeaf, new SplitMix(seed, t));
            trees[t] = grower.Grow(settings.Trees);
        }

        return new RandomForestModel(trees, classes, features);
    }

    /// <summary>SplitMix64: small, fast, and the same sequence on every platform and runtime.</summary>
    private struct SplitMix(int seed, int stream)
    {
        private ulong _state = unchecked(((ulong)(uint)seed << 32) ^ (ulong)(uint)stream * 0x9E3779B97F4A7C15UL);

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, bound).</summary>
        public int Below(int bound) => (int)(Next() % (ulong)bound);
    }

    private sealed class TreeGrower
    {
        private readonly float[] _x;
        private readonly int _features;
        private readonly int[] _y;
        private readonly int _classes;
        private readonly int _maxFeatures;
        private readonly int _minPerLeaf;
        private SplitMix _random;

        // The bootstrap: distinct rows drawn (a node is a range of this array) and how often each row was drawn.
        private readonly int[] _rows;
        private readonly double[] _weight;
        private readonly int[] _featureOrder;
        private readonly float[] _keys;
        private readonly int[] _sorted;
        private readonly double[] _left;
        private readonly double[] _total;

        private readonly List<int> _leftChild = [], _rightChild = [], _splitFeature = [];
        private readonly List<float> _threshold = [];
        private readonly List<double> _leafVotes = [];

        public TreeGrower(float[] x, int rows, int features, int[] y, int classes, int maxFeatures, int minPerLeaf, SplitMix random)
        {
            _x = x; _features = features; _y = y; _classes = classes; _maxFeatures = maxFeatures; _minPerLeaf = minPerLeaf; _random = random;
            _weight = new double[rows];
            for (var i = 0; i < rows; i++) _weight[_random.Below(rows)]++;
            _rows = Enumerable.Range(0, rows).Where(r => _weight[r] > 0).ToArray();
            _featureOrder = Enumerable.Range(0, features).ToArray();
            _keys = new float[_rows.Length];
            _sorted = new int[_rows.Length];
            _left = new double[classes];
            _total = new double[classes];
        }

        public ForestTree Grow(int treeCount)
        {
            // Work list of (node id to patch, start, end); the root is node 0 or, if it never splits, leaf 0.
            var pending = new Stack<(int Parent, bool IsLeft, int Start, int End)>();
            pending.Push((-1, false, 0, _rows.Length));
            while (pending.Count > 0)
            {
                var (parent, isLeft, start, end) = pending.Pop();
                int child;
                if (FindSplit(start, end) is { } split)
                {
                    child = _leftChild.Count;
                    _leftChild.Add(0); _rightChild.Add(0); _splitFeature.Add(split.Feature); _threshold.Add(split.Threshold);
                    var middle = Partition(start, end, split.Feature, split.Threshold);
                    // Right pushed first so the left subtree is numbered first (depth first, left to right).
                    pending.Push((child, false, middle, end));
                    pending.Push((child, true, start, middle));
                }
                else
                {
                    child = ~AddLeaf(start, end, treeCount);
                }

                if (parent < 0) continue;
                if (isLeft) _leftChild[parent] = child;
                else _rightChild[parent] = child;
            }

            return new ForestTree(_leftChild.ToArray(), _rightChild.ToArray(), _splitFeature.ToArray(), _threshold.ToArray(), _leafVotes.ToArray());
        }

        private int AddLeaf(int start, int end, int treeCount)
        {
            var leaf = _leafVotes.Count / _classes;
            Totals(start, end, out var weight);
            for (var k = 0; k < _classes; k++) _leafVotes.Add(_total[k] / weight / treeCount);
            return leaf;
        }

        private void Totals(int start, int end, out double weight)
        {
            Array.Clear(_total);
            weight = 0;
            for (var i = start; i < end; i++)
            {
                var row = _rows[i];
                _total[_y[row]] += _weight[row];
                weight += _weight[row];
            }
        }

        private (int Feature, float Threshold)? FindSplit(int start, int end)
        {
            var count = end - start;
            if (count < 2 || count < 2 * _minPerLeaf) return null;
            Totals(start, end, out var weight);
            var classesPresent = 0;
            double parentScore = 0;
            for (var k = 0; k < _classes; k++)
            {
                if (_total[k] > 0) classesPresent++;
                parentScore += _total[k] * _total[k];
            }

            if (classesPresent < 2) return null; // pure
            parentScore /= weight;

            // Features are drawn without replacement until max_features non-constant ones were tried (constant ones
            // do not count, as in scikit-learn), or none are left.
            var bestScore = parentScore;
            (int, float)? best = null;
            var tried = 0;
            for (var drawn = 0; drawn < _features && tried < _maxFeatures; drawn++)
            {
                var pick = drawn + _random.Below(_features - drawn);
                (_featureOrder[drawn], _featureOrder[pick]) = (_featureOrder[pick], _featureOrder[drawn]);
                var feature = _featureOrder[drawn];

                for (var i = 0; i < count; i++)
                {
                    _sorted[i] = _rows[start + i];
                    _keys[i] = _x[_sorted[i] * _features + feature];
                }

                Array.Sort(_keys, _sorted, 0, count);
                if (_keys[0] == _keys[count - 1]) continue;
                tried++;

                Array.Clear(_left);
                double leftWeight = 0;
                for (var i = 0; i < count - 1; i++)
                {
                    var row = _sorted[i];
                    _left[_y[row]] += _weight[row];
                    leftWeight += _weight[row];
                    if (_keys[i] == _keys[i + 1] || i + 1 < _minPerLeaf || count - i - 1 < _minPerLeaf) continue;

                    // Gini decrease ∝ Σ L² / |L| + Σ R² / |R| (the parent's part is common to every split).
                    double leftSquares = 0, rightSquares = 0;
                    for (var k = 0; k < _classes; k++)
                    {
                        leftSquares += _left[k] * _left[k];
                        var right = _total[k] - _left[k];
                        rightSquares += right * right;
                    }

                    var score = leftSquares / leftWeight + rightSquares / (weight - leftWeight);
                    if (score > bestScore + 1e-12 * weight) { bestScore = score; best = (feature, Threshold(_keys[i], _keys[i + 1])); }
                }
            }

            return best;
        }

        /// <summary>The largest float32 at or below the midpoint: at least <paramref name="low"/>, below <paramref name="high"/>.</summary>
        private static float Threshold(float low, float high)
        {
            var middle = ((double)low + high) / 2;
            var single = (float)middle;
            if (single > middle) single = MathF.BitDecrement(single);
            return single < low ? low : single;
        }

        /// <summary>Rows going left (x ≤ threshold) first; returns where the right ones start.</summary>
        private int Partition(int start, int end, int feature, float threshold)
        {
            var i = start;
            var j = end - 1;
            while (i <= j)
            {
                if (_x[_rows[i] * _features + feature] <= threshold) i++;
                else { (_rows[i], _rows[j]) = (_rows[j], _rows[i]); j--; }
            }

            return i;
        }
    }
}
