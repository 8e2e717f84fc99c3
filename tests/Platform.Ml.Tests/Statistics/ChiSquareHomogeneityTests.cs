using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

public class ChiSquareHomogeneityTests
{
    public static TheoryData<string> Cases => ReferenceCaseNames.Of("categorical");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chi_square_matches_scipy_chi2_contingency_without_correction(string name)
    {
        var c = ReferenceData.Case("categorical", name);
        var result = ChiSquareHomogeneity.Test(c.GetProperty("reference").Strings(), c.GetProperty("current").Strings());

        Assert.Equal(c.GetProperty("dof").GetInt32(), result.DegreesOfFreedom);
        ReferenceData.AssertClose(c.GetProperty("chi2").GetDouble(), result.Statistic, what: "chi2");
        ReferenceData.AssertClose(c.GetProperty("pvalue").GetDouble(), result.PValue, what: "p");
    }

    [Fact]
    public void Chi_square_of_a_single_shared_category_has_no_degrees_of_freedom_and_p_value_one()
    {
        var result = ChiSquareHomogeneity.Test(["a", "a"], ["a", null, "a", "a"]);
        Assert.Equal(new ChiSquareResult(0.0, 1.0, 0), result);
    }

    [Fact]
    public void Chi_square_counts_a_category_seen_in_only_one_sample()
    {
        // Table [[2, 0], [1, 1]]: expected [[1.5, 0.5], [1.5, 0.5]], X² = (0.25 + 0.25)/1.5 + (0.25 + 0.25)/0.5 = 4/3.
        var result = ChiSquareHomogeneity.Test(["a", "a"], ["a", "b"]);
        Assert.Equal(4.0 / 3.0, result.Statistic, 12);
        Assert.Equal(1, result.DegreesOfFreedom);
    }

    [Fact]
    public void Chi_square_rejects_an_empty_sample()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareHomogeneity.Test(["a"], [null]));
    }
}
