using System.Text.Json;
using Platform.Ml.Statistics;

namespace Platform.Ml.Tests.Statistics;

/// <summary>The distributions behind the asymptotic KS p-value, checked point by point against SciPy on a grid covering every branch.</summary>
public class KolmogorovDistributionTests
{
    [Fact]
    public void Kolmogorov_two_sided_survival_matches_scipy_kstwo_sf_on_every_branch()
    {
        var points = ReferenceData.Cases("kstwo").ToArray();
        Assert.True(points.Length > 150);
        foreach (var point in points)
        {
            var (n, x, sf) = Read(point);
            ReferenceData.AssertClose(sf, KolmogorovDistribution.Survival(n, x), what: $"kstwo.sf({x:R}, {n})");
        }
    }

    [Fact]
    public void Smirnov_one_sided_survival_matches_scipy_special_smirnov()
    {
        foreach (var point in ReferenceData.Cases("smirnov"))
        {
            var (n, x, sf) = Read(point);
            ReferenceData.AssertClose(sf, Smirnov.Survival(n, x), what: $"smirnov({n}, {x:R})");
        }
    }

    private static (int N, double X, double Sf) Read(JsonElement point) =>
        (point.GetProperty("n").GetInt32(), point.GetProperty("x").GetDouble(), point.GetProperty("sf").GetDouble());
}
