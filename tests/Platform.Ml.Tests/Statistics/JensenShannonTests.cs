using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

public class JensenShannonTests
{
    public static TheoryData<string> NumericCases => ReferenceCaseNames.Of("numeric");
    public static TheoryData<string> CategoricalCases => ReferenceCaseNames.Of("categorical");

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Jensen_shannon_on_quantile_bins_matches_scipy_base_2(string name)
    {
        var c = ReferenceData.Case("numeric", name);
        var js = JensenShannon.Numeric(c.GetProperty("reference").Doubles(), c.GetProperty("current").Doubles(), c.GetProperty("bins").GetInt32());
        ReferenceData.AssertClose(c.GetProperty("jensen_shannon").GetDouble(), js, what: "JS");
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Jensen_shannon_over_categories_matches_scipy_base_2(string name)
    {
        var c = ReferenceData.Case("categorical", name);
        var js = JensenShannon.Categorical(c.GetProperty("reference").Strings(), c.GetProperty("current").Strings());
        ReferenceData.AssertClose(c.GetProperty("jensen_shannon").GetDouble(), js, what: "JS");
    }

    [Fact]
    public void Jensen_shannon_is_zero_for_equal_and_one_for_disjoint_distributions()
    {
        Assert.Equal(0.0, JensenShannon.Distance([1, 2, 3], [2, 4, 6]));
        Assert.Equal(1.0, JensenShannon.Distance([1, 0], [0, 5]), 15);
    }
}
