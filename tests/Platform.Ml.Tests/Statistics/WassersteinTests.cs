using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

public class WassersteinTests
{
    public static TheoryData<string> Cases => ReferenceCaseNames.Of("numeric");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wasserstein_matches_scipy_wasserstein_distance(string name)
    {
        var c = ReferenceData.Case("numeric", name);
        var reference = c.GetProperty("reference").Doubles();
        var current = c.GetProperty("current").Doubles();
        ReferenceData.AssertClose(c.GetProperty("wasserstein").GetDouble(), Wasserstein.Distance(reference, current), what: "W1");
        ReferenceData.AssertClose(c.GetProperty("wasserstein_normalised").GetDouble(), Wasserstein.NormalisedDistance(reference, current), what: "W1/std");
    }

    [Fact]
    public void Wasserstein_of_a_shifted_sample_is_the_shift()
    {
        double[] sample = [0.0, 1.0, 3.0, 7.0];
        Assert.Equal(2.5, Wasserstein.Distance(sample, sample.Select(v => v + 2.5).ToArray()), 12);
    }

    [Fact]
    public void Normalised_wasserstein_of_a_constant_reference_is_zero_or_infinite()
    {
        Assert.Equal(0.0, Wasserstein.NormalisedDistance([2.0, 2.0], [2.0]));
        Assert.Equal(double.PositiveInfinity, Wasserstein.NormalisedDistance([2.0, 2.0], [3.0]));
    }
}
