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

    [Fact]
    public void Sorting_network_sorts_every_sequence_of_two_keys_up_to_sixteen_long()
    {
        // The 0-1 principle: a compare-exchange network that sorts every sequence of two keys sorts every sequence.
        for (var length = 1; length <= SortingNetwork.MaxLength; length++)
        {
            for (var code = 0; code < 1 << length; code++)
            {
                var values = new double[length];
                for (var i = 0; i < length; i++) values[i] = (code >> i & 1) == 0 ? 1.0 : 2.0;
                AssertNetworkSortsAsListSort(values);
            }
        }
    }

    [Fact]
    public void Random_levels_of_one_to_sixteen_values_without_zeros_or_NaN_sort_through_the_network_as_List_Sort_does()
    {
        var random = new Random(11);
        double[] pool = [1, -1, 3.25, -7.5, 5e-324, -5e-324, double.MaxValue,
            double.NegativeInfinity, double.PositiveInfinity];
        for (var trial = 0; trial < 50_000; trial++)
        {
            var values = new double[random.Next(1, SortingNetwork.MaxLength + 1)];
            for (var i = 0; i < values.Length; i++)
            {
                // Even trials: few keys, so many duplicates; odd ones: arbitrary finite doubles of any sign and scale.
                var magnitude = BitConverter.Int64BitsToDouble(random.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF | 1);
                values[i] = trial % 2 == 0 ? pool[random.Next(pool.Length)] : random.Next(2) == 0 ? magnitude : -magnitude;
            }

            AssertNetworkSortsAsListSort(values);
            AssertSameOrder(values);
        }
    }

    [Fact]
    public void Levels_with_a_zero_or_NaN_are_left_to_the_order_preserving_sorts()
    {
        var random = new Random(13);
        double[] spoilers = [0.0, -0.0, double.NaN];
        for (var trial = 0; trial < 20_000; trial++)
        {
            var values = new double[random.Next(4, 2 * SortingNetwork.MaxLength)];
            for (var i = 0; i < values.Length; i++) values[i] = random.Next(-3, 4) + 0.5;
            values[random.Next(values.Length)] = spoilers[trial % spoilers.Length];
            values[random.Next(values.Length)] = spoilers[random.Next(spoilers.Length)];

            var untouched = values.ToArray();
            Assert.False(SortingNetwork.TrySort(untouched));
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), untouched.Select(BitConverter.DoubleToInt64Bits));
            AssertSameOrder(values);
        }
    }

    private static void AssertNetworkSortsAsListSort(double[] values)
    {
        var expected = new List<double>(values);
        expected.Sort();
        var actual = values.ToArray();
        Assert.True(SortingNetwork.TrySort(actual));
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
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
