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

    private static void AssertSameRows(Table expected, Table actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        foreach (var column in expected.Columns)
            Assert.Equal(column.Numbers, actual[column.Name].Numbers);
    }
}
