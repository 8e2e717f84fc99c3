using Microsoft.Extensions.Options;

namespace Platform.Registry.Tests;

public sealed class PromotionPolicyTests
{
    private static PromotionPolicy Policy(double margin = 0) => new(Options.Create(new RegistryOptions { Margin = margin }));

    [Fact]
    public void Promotes_first_version_that_reaches_the_floor()
    {
        var decision = Policy().Decide(new GateInput("r2", true, 0.45, null, null, null));

        Assert.True(decision.Promote);
        Assert.Contains("floor 0.1", decision.Reason);
    }

    [Fact]
    public void Rejects_first_version_below_the_floor()
    {
        var decision = Policy().Decide(new GateInput("auc", true, 0.55, null, null, null));

        Assert.False(decision.Promote);
        Assert.Contains("does not reach the floor 0.6", decision.Reason);
    }

    [Fact]
    public void Promotes_first_version_of_a_metric_without_floor()
    {
        Assert.True(Policy().Decide(new GateInput("rmse", false, 80, null, null, null)).Promote);
    }

    [Fact]
    public void Promotes_challenger_only_when_it_beats_champion_on_same_holdout()
    {
        var better = Policy().Decide(new GateInput("r2", true, 0.50, 1, ChampionMetricOnSameHoldout: 0.46, ChampionOwnMetric: 0.60));
        var worse = Policy().Decide(new GateInput("r2", true, 0.50, 1, ChampionMetricOnSameHoldout: 0.52, ChampionOwnMetric: 0.30));

        // The champion's own holdout metric is ignored when both were scored on the same rows.
        Assert.True(better.Promote);
        Assert.Contains("on the same holdout", better.Reason);
        Assert.False(worse.Promote);
    }

    [Fact]
    public void An_equal_challenger_is_not_promoted()
    {
        Assert.False(Policy().Decide(new GateInput("r2", true, 0.4582, 1, 0.4582, 0.4582)).Promote);
    }

    [Fact]
    public void Challenger_must_beat_champion_by_more_than_the_margin()
    {
        var input = new GateInput("macro_accuracy", true, 0.93, 3, 0.91, null);

        Assert.False(Policy(margin: 0.05).Decide(input).Promote);
        Assert.True(Policy(margin: 0.01).Decide(input).Promote);
    }

    [Fact]
    public void Lower_is_better_metrics_compare_the_other_way()
    {
        Assert.True(Policy().Decide(new GateInput("rmse", false, 50, 1, 55, null)).Promote);
        Assert.False(Policy().Decide(new GateInput("rmse", false, 56, 1, 55, null)).Promote);
    }

    [Fact]
    public void Falls_back_to_the_champions_own_metric_and_says_so()
    {
        var decision = Policy().Decide(new GateInput("r2", true, 0.50, 2, null, 0.40));

        Assert.True(decision.Promote);
        Assert.Contains("champion's own holdout", decision.Reason);
    }

    [Fact]
    public void A_challenger_below_the_floor_is_rejected_even_if_it_beats_a_poor_champion()
    {
        Assert.False(Policy().Decide(new GateInput("r2", true, 0.05, 1, 0.01, null)).Promote);
    }

    [Fact]
    public void A_NaN_metric_is_never_promoted()
    {
        Assert.False(Policy().Decide(new GateInput("r2", true, double.NaN, null, null, null)).Promote);
    }
}
