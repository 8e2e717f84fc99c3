using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.Ml.Tests.Data;

public class TrainTestSplitTests
{
    [Fact]
    public void Split_matches_scikit_learn_on_diabetes()
    {
        var all = CsvTableReader.Read(SharedData.PathOf("diabetes.csv"));
        var expectedTrain = CsvTableReader.Read(SharedData.PathOf("diabetes_train.csv"));
        var expectedTest = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));

        var (train, test) = TrainTestSplit.Split(all.RowCount, 0.2, seed: 42);

        Assert.Equal(353, train.Length);
        Assert.Equal(89, test.Length);
        AssertSameRows(expectedTrain, all.SelectRows(train));
        AssertSameRows(expectedTest, all.SelectRows(test));
    }

    [Fact]
    public void Mersenne_twister_gives_the_reference_first_output_for_the_default_seed()
    {
        // 3499211612 is the first output of MT19937 seeded with init_genrand(5489) in the authors' reference code.
        Assert.Equal(3499211612u, new Mt19937(5489).NextUInt32());
    }

    [Theory]
    [InlineData(0, 10, new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 })]
    [InlineData(3, 10, new[] { 5, 4, 1, 2, 9, 6, 7, 0, 3, 8 })]
    [InlineData(42, 10, new[] { 287, 211, 72, 321, 73, 418, 367, 354, 281, 148 })]
    public void Permutation_matches_numpy_legacy_random_state(int seed, int prefix, int[] expectedPrefix)
    {
        // Reference values from NumPy 1.24: np.random.RandomState(seed).permutation(n)[:prefix], n = 10 or 442.
        var n = seed == 42 ? 442 : 10;
        Assert.Equal(expectedPrefix, new Mt19937((uint)seed).Permutation(n)[..prefix]);
    }

    [Fact]
    public void Permutation_matches_numpy_when_rejection_sampling_needs_large_masks()
    {
        // np.random.RandomState(7).permutation(100000)[:5]
        Assert.Equal(new[] { 33909, 92307, 89107, 9538, 31008 }, new Mt19937(7).Permutation(100_000)[..5]);
    }

    [Fact]
    public void Split_rounds_the_test_size_up_and_covers_every_row_once()
    {
        var (train, test) = TrainTestSplit.Split(11, 0.25, seed: 1);

        Assert.Equal(3, test.Length); // ceil(2.75)
        Assert.Equal(8, train.Length);
        Assert.Equal(Enumerable.Range(0, 11), train.Concat(test).Order());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_rejects_a_test_fraction_outside_zero_one(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Split(10, fraction, seed: 0));
    }

    [Fact]
    public void KFold_matches_scikit_learn_shuffled_kfold()
    {
        // KFold(n_splits=3, shuffle=True, random_state=3) on 10 rows: the permutation [5,4,1,2,9,6,7,0,3,8]
        // cut into blocks of 4, 3, 3, each returned sorted.
        var folds = TrainTestSplit.KFold(10, 3, seed: 3);

        Assert.Equal(3, folds.Count);
        Assert.Equal(new[] { 1, 2, 4, 5 }, folds[0].Validation);
        Assert.Equal(new[] { 6, 7, 9 }, folds[1].Validation);
        Assert.Equal(new[] { 0, 3, 8 }, folds[2].Validation);
        Assert.Equal(new[] { 0, 3, 6, 7, 8, 9 }, folds[0].Train);
    }

    [Fact]
    public void KFold_validates_every_row_exactly_once_and_is_deterministic()
    {
        var first = TrainTestSplit.KFold(103, 5, seed: 11);
        var second = TrainTestSplit.KFold(103, 5, seed: 11);

        Assert.Equal(Enumerable.Range(0, 103), first.SelectMany(f => f.Validation).Order());
        foreach (var (train, validation) in first)
        {
            Assert.Empty(train.Intersect(validation));
            Assert.Equal(103, train.Length + validation.Length);
        }

        for (var k = 0; k < 5; k++) Assert.Equal(first[k].Validation, second[k].Validation);
    }

    // Reference values from scikit-learn 1.2.1 / NumPy 1.24 (Debian's python3-sklearn):
    // y = [0]*7+[1]*5+[2]*3 permuted by RandomState(0).
    private static readonly int[] Classes15 = [0, 0, 1, 1, 2, 0, 0, 2, 1, 1, 1, 0, 0, 0, 2];

    [Fact]
    public void Stratified_split_matches_scikit_learn_train_test_split_with_stratify()
    {
        // train_test_split(np.arange(15), test_size=0.3, random_state=3, stratify=y)
        var (train, test) = TrainTestSplit.StratifiedSplit(Classes15, 0.3, seed: 3);

        Assert.Equal(new[] { 6, 12, 13, 4, 1, 11, 8, 9, 10, 7 }, train);
        Assert.Equal(new[] { 2, 14, 5, 3, 0 }, test);
    }

    [Fact]
    public void Stratified_split_matches_scikit_learn_on_iris()
    {
        var species = CsvTableReader.Read(SharedData.PathOf("iris.csv"))["species"].Texts!;
        string[] names = ["setosa", "versicolor", "virginica"];
        var classes = species.Select(s => Array.IndexOf(names, s)).ToArray();

        var (train, test) = TrainTestSplit.StratifiedSplit(classes, 0.2, seed: 42);

        Assert.Equal(new[] { 38, 127, 57, 93, 42, 56, 22, 20, 147, 84 }, test[..10]);
        Assert.Equal(new[] { 8, 106, 76, 9, 89, 146, 94, 133, 135, 117 }, train[..10]);
        // Each class keeps its share exactly: 10 of 50 per class in the test rows.
        Assert.All(names, (_, k) => Assert.Equal(10, test.Count(row => classes[row] == k)));

        // StratifiedKFold(5, shuffle=True, random_state=42).split(X_train, y_train): first six of each fold.
        var folds = TrainTestSplit.StratifiedKFold(train.Select(row => classes[row]).ToArray(), 5, seed: 42);
        int[][] expected = [[5, 8, 11, 13, 19, 20], [4, 15, 17, 21, 22, 25], [0, 1, 2, 3, 10, 14], [7, 16, 26, 27, 32, 33], [6, 9, 12, 18, 23, 29]];
        for (var f = 0; f < 5; f++) Assert.Equal(expected[f], folds[f].Validation[..6]);
    }

    [Fact]
    public void Stratified_kfold_matches_scikit_learn_and_covers_every_row_once()
    {
        // StratifiedKFold(3, shuffle=True, random_state=5).split(X, y)
        var folds = TrainTestSplit.StratifiedKFold(Classes15, 3, seed: 5);

        Assert.Equal(new[] { 1, 6, 9, 11, 14 }, folds[0].Validation);
        Assert.Equal(new[] { 2, 5, 7, 8, 13 }, folds[1].Validation);
        Assert.Equal(new[] { 0, 3, 4, 10, 12 }, folds[2].Validation);
        Assert.Equal(Enumerable.Range(0, 15), folds.SelectMany(f => f.Validation).Order());
        Assert.All(folds, f => Assert.Equal(15, f.Train.Length + f.Validation.Length));
    }

    [Fact]
    public void Stratified_split_rejects_a_class_with_one_row()
    {
        Assert.Throws<ArgumentException>(() => TrainTestSplit.StratifiedSplit([0, 0, 0, 1], 0.5, seed: 0));
    }

    private static void AssertSameRows(Table expected, Table actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        foreach (var column in expected.Columns)
            Assert.Equal(column.Numbers, actual[column.Name].Numbers);
    }
}
