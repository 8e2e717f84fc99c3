using Platform.Ml.Data.Profiling;

namespace Platform.Ml.Tests.Data;

/// <summary>
/// The sketch's own sort of a short level must leave exactly the order <c>List.Sort</c> leaves, bit for bit: which of
/// two equal keys (0 and -0) sits where decides which one moves up, and so what the profile reports.
/// </summary>
public class KllSortTests
{
    private static readonly double[] Keys = [-0.0, 0.0, -1.5, 2.0, 0.0];

    [Fact]
    public void Every_short_level_of_tied_zeros_and_other_values_sorts_as_List_Sort_does()
    {
        // Every sequence of up to seven values drawn from five keys that include both zeros (97,656 sequences).
        for (var length = 0; length <= 7; length++)
        {
            var count = (int)Math.Pow(5, length);
            for (var code = 0; code < count; code++)
            {
                var values = new double[length];
                for (int i = 0, c = code; i < length; i++, c /= 5) values[i] = Keys[c % 5];
                AssertSameOrder(values);
            }
        }
    }

    [Fact]
    public void Random_levels_up_to_twenty_values_with_ties_and_NaN_sort_as_List_Sort_does()
    {
        var random = new Random(7);
        double[] pool = [-0.0, 0.0, 1, -1, 3.25, double.NaN, double.NegativeInfinity, 5e-324];
        for (var trial = 0; trial < 50_000; trial++)
        {
            var values = new double[random.Next(0, 21)];
            for (var i = 0; i < values.Length; i++) values[i] = trial % 2 == 0 ? pool[random.Next(5)] : pool[random.Next(pool.Length)];
            AssertSameOrder(values);
        }
    }

    private static void AssertSameOrder(double[] values)
    {
        var expected = new List<double>(values);
        expected.Sort();
        var actual = new List<double>(values);
        KllSketch.SortLevel(actual);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }
}
