using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

public class PopulationStabilityIndexTests
{
    public static TheoryData<string> NumericCases => ReferenceCaseNames.Of("numeric");
    public static TheoryData<string> CategoricalCases => ReferenceCaseNames.Of("categorical");

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Quantile_bin_edges_equal_numpy_quantiles_exactly(string name)
    {
        var c = ReferenceData.Case("numeric", name);
        var sorted = c.GetProperty("reference").Doubles();
        Array.Sort(sorted);
        var bins = QuantileBins.FromSortedReference(sorted, c.GetProperty("bins").GetInt32());
        Assert.Equal(c.GetProperty("edges").Doubles(), bins.Edges);
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Psi_on_reference_quantile_bins_matches_the_numpy_reference(string name)
    {
        var c = ReferenceData.Case("numeric", name);
        var psi = PopulationStabilityIndex.Numeric(c.GetProperty("reference").Doubles(), c.GetProperty("current").Doubles(), c.GetProperty("bins").GetInt32());
        ReferenceData.AssertClose(c.GetProperty("psi").GetDouble(), psi, what: "psi");
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Psi_over_categories_matches_the_numpy_reference(string name)
    {
        var c = ReferenceData.Case("categorical", name);
        var psi = PopulationStabilityIndex.Categorical(c.GetProperty("reference").Strings(), c.GetProperty("current").Strings());
        ReferenceData.AssertClose(c.GetProperty("psi").GetDouble(), psi, what: "psi");
    }

    [Fact]
    public void Psi_of_identical_samples_is_zero()
    {
        var sample = Enumerable.Range(0, 1000).Select(i => Math.Sin(i)).ToArray();
        Assert.Equal(0.0, PopulationStabilityIndex.Numeric(sample, sample));
    }

    [Fact]
    public void Psi_uses_the_documented_proportion_for_an_empty_bin()
    {
        // Reference [0.5, 0.5], current [1, 0]: the empty bin counts as 1e-4.
        const double e = PopulationStabilityIndex.EmptyBinProportion;
        var expected = (1 - 0.5) * Math.Log(1 / 0.5) + (e - 0.5) * Math.Log(e / 0.5);
        Assert.Equal(expected, PopulationStabilityIndex.FromCounts([5, 5], [10, 0]), 12);
    }

    [Fact]
    public void Values_beyond_the_reference_range_fall_in_the_outer_bins()
    {
        var sorted = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var bins = QuantileBins.FromSortedReference(sorted, 4);
        Assert.Equal([1.0, 0.0, 0.0, 2.0], bins.Counts([-1000.0, 1000.0, 99.5]));
    }
}
