using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

public class KolmogorovSmirnovTests
{
    public static TheoryData<string, string> ExactCases => CasesWithMethod("exact");
    public static TheoryData<string, string> AsymptoticCases => CasesWithMethod("asymp");

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void Ks_p_value_matches_scipy_exact_for_small_samples(string name, string alternative) =>
        AssertMatchesScipy(name, alternative, "exact");

    [Theory]
    [MemberData(nameof(AsymptoticCases))]
    public void Ks_p_value_matches_scipy_asymptotic_when_exact_is_not_used(string name, string alternative) =>
        AssertMatchesScipy(name, alternative, "asymp");

    [Fact]
    public void Ks_reference_covers_both_paths_all_alternatives_and_samples_above_10000()
    {
        var all = ReferenceData.Cases("ks").ToArray();
        Assert.Contains(all, c => c.GetProperty("x").GetArrayLength() > KolmogorovSmirnov.MaxExactSampleSize);
        Assert.True(ExactCases.Count >= 20);
        Assert.True(AsymptoticCases.Count >= 15);
    }

    [Fact]
    public void Ks_of_identical_samples_is_zero_with_p_value_one()
    {
        double[] sample = [3.0, 1.0, 2.0, 2.0, 5.0];
        var result = KolmogorovSmirnov.Test(sample, sample);
        Assert.Equal(new KsResult(0.0, 1.0, "exact"), result);
    }

    [Fact]
    public void Ks_evaluates_the_cdfs_after_all_tied_values()
    {
        // Evaluating between tied copies would report a spurious D of 0.5 here; after all ties both CDFs are equal.
        double[] first = [1, 1, 2, 2];
        double[] second = [1, 2];
        Assert.Equal(0.0, KolmogorovSmirnov.Test(first, second).Statistic);

        double[] third = [1, 1, 1, 2];
        Assert.Equal(0.25, KolmogorovSmirnov.Test(third, second).Statistic, 15);
    }

    [Fact]
    public void Ks_one_sided_statistics_measure_the_direction_of_the_shift()
    {
        double[] low = [0.0, 1.0, 2.0, 3.0];
        double[] high = [10.0, 11.0, 12.0, 13.0];
        // F_low lies above F_high: "greater" sees D+ = 1, "less" sees nothing.
        Assert.Equal(1.0, KolmogorovSmirnov.Test(low, high, KsAlternative.Greater).Statistic);
        Assert.Equal(0.0, KolmogorovSmirnov.Test(low, high, KsAlternative.Less).Statistic);
        Assert.Equal(1.0, KolmogorovSmirnov.Test(high, low, KsAlternative.Less).Statistic);
    }

    [Fact]
    public void Ks_switches_to_the_asymptotic_distribution_above_10000_values()
    {
        var small = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        var exact = Enumerable.Range(0, 10_000).Select(i => i / 10_000.0).ToArray();
        var large = Enumerable.Range(0, 10_001).Select(i => i / 10_001.0).ToArray();
        Assert.Equal("exact", KolmogorovSmirnov.Test(small, exact).Method);
        Assert.Equal("asymp", KolmogorovSmirnov.Test(small, large).Method);
    }

    [Fact]
    public void Ks_rejects_empty_samples_and_nan()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Test([], [1.0]));
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Test([1.0, double.NaN], [1.0]));
    }

    [Fact]
    public void Ks_does_not_modify_the_callers_arrays()
    {
        double[] first = [3.0, 1.0, 2.0];
        double[] second = [0.5, 4.0];
        KolmogorovSmirnov.Test(first, second);
        Assert.Equal([3.0, 1.0, 2.0], first);
        Assert.Equal([0.5, 4.0], second);
    }

    private static void AssertMatchesScipy(string name, string alternative, string method)
    {
        var c = ReferenceData.Case("ks", name);
        var expected = c.GetProperty("results").GetProperty(alternative);
        var result = KolmogorovSmirnov.Test(c.GetProperty("x").Doubles(), c.GetProperty("y").Doubles(), Parse(alternative));

        Assert.Equal(method, result.Method);
        ReferenceData.AssertClose(expected.GetProperty("statistic").GetDouble(), result.Statistic, what: $"{name}/{alternative} D");
        ReferenceData.AssertClose(expected.GetProperty("pvalue").GetDouble(), result.PValue, what: $"{name}/{alternative} p");
    }

    private static KsAlternative Parse(string alternative) => alternative switch
    {
        "two-sided" => KsAlternative.TwoSided,
        "less" => KsAlternative.Less,
        "greater" => KsAlternative.Greater,
        _ => throw new ArgumentOutOfRangeException(nameof(alternative)),
    };

    private static TheoryData<string, string> CasesWithMethod(string method)
    {
        var data = new TheoryData<string, string>();
        foreach (var c in ReferenceData.Cases("ks"))
        {
            foreach (var result in c.GetProperty("results").EnumerateObject())
            {
                if (result.Value.GetProperty("method").GetString() == method)
                    data.Add(c.GetProperty("name").GetString()!, result.Name);
            }
        }

        return data;
    }
}
