using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Registry.Gate;

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

    private static GateHoldout Holdout(double[] challenger, double[] champion, string metric = "rmse", int championVersion = 1) =>
        new(metric, "world", 7, 1200, 1200 + challenger.Length, "world v7 rows 1200-1500, feedback", championVersion, challenger, champion);

    private static double[] Losses(int n, double mean, double spread, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Math.Max(0, mean + spread * (random.NextDouble() - 0.5))).ToArray();
    }

    [Fact]
    public void A_challenger_clearly_better_on_the_newest_rows_is_promoted_and_the_audit_names_the_holdout_and_both_scores()
    {
        var holdout = Holdout(Losses(300, 0.4, 0.4, 1), Losses(300, 90, 60, 2));

        // The primary metric alone would reject it: the gate judges on the newest rows instead.
        var decision = Policy().Decide(new GateInput("r2", true, 0.40, 1, ChampionMetricOnSameHoldout: 0.45, ChampionOwnMetric: 0.45, holdout));

        Assert.True(decision.Promote, decision.Reason);
        Assert.Contains("300 newest rows", decision.Reason);
        Assert.Contains("world v7 rows 1200-1500, feedback", decision.Reason);
        Assert.Contains("challenger rmse", decision.Reason);
        Assert.Contains("champion v1", decision.Reason);
        Assert.Contains("paired bootstrap, 1000 resamples, seed 42", decision.Reason);
    }

    [Fact]
    public void A_small_improvement_on_a_small_holdout_is_not_enough_but_the_same_improvement_on_many_rows_is()
    {
        // The challenger is 2% better on average, with a row-to-row difference of ±1 that cancels out only over many rows.
        static (double[] Challenger, double[] Champion) Pair(int n)
        {
            var random = new Random(5);
            var champion = Enumerable.Range(0, n).Select(_ => 1.5 + random.NextDouble() * 2).ToArray();
            var challenger = champion.Select((c, i) => c * 0.98 + (i % 2 == 0 ? 1 : -1)).ToArray();
            return (challenger, champion);
        }

        var (fewChallenger, fewChampion) = Pair(60);
        var (manyChallenger, manyChampion) = Pair(20_000);

        Assert.False(Policy().Decide(new GateInput("r2", true, 0.5, 1, 0.4, null, Holdout(fewChallenger, fewChampion))).Promote);
        Assert.True(Policy().Decide(new GateInput("r2", true, 0.5, 1, 0.4, null, Holdout(manyChallenger, manyChampion))).Promote);
    }

    [Fact]
    public void An_equal_challenger_on_the_newest_rows_is_not_promoted()
    {
        var losses = Losses(500, 1, 1, 3);
        var decision = Policy().Decide(new GateInput("r2", true, 0.5, 1, 0.5, null, Holdout(losses, losses)));

        Assert.False(decision.Promote);
        Assert.Contains("does not beat the champion beyond chance", decision.Reason);
    }

    [Fact]
    public void Classifiers_are_judged_on_their_error_rate()
    {
        var challenger = Enumerable.Range(0, 400).Select(i => i % 10 == 0 ? 1.0 : 0.0).ToArray(); // 10% wrong
        var champion = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();    // 50% wrong

        var decision = Policy().Decide(new GateInput("macro_accuracy", true, 0.9, 2, 0.5, null, Holdout(challenger, champion, "error_rate", 2)));

        Assert.True(decision.Promote);
        Assert.Contains("challenger error_rate 0.1", decision.Reason);
    }

    [Fact]
    public void A_holdout_scored_for_another_champion_or_too_small_falls_back_to_the_primary_metric()
    {
        var big = Holdout(Losses(300, 0.1, 0.1, 1), Losses(300, 50, 10, 2), championVersion: 3);
        var small = Holdout(Losses(10, 0.1, 0.1, 1), Losses(10, 50, 10, 2));

        Assert.Contains("on the same holdout", Policy().Decide(new GateInput("r2", true, 0.3, 1, 0.4, null, big)).Reason);
        Assert.False(Policy().Decide(new GateInput("r2", true, 0.3, 1, 0.4, null, small)).Promote);
    }

    [Fact]
    public void The_first_version_floor_still_applies_with_a_holdout()
    {
        var holdout = Holdout(Losses(300, 0.1, 0.1, 1), Losses(300, 50, 10, 2));

        Assert.False(Policy().Decide(new GateInput("r2", true, 0.05, 1, 0.01, null, holdout)).Promote);
    }

    [Fact]
    public void The_bootstrap_is_seeded_and_measures_rmse_from_squared_errors()
    {
        var challenger = new double[] { 1, 4, 9, 16 };
        var champion = new double[] { 4, 16, 36, 64 };

        var first = PairedBootstrap.Compare("rmse", challenger, champion, 500, 0.95, 7);
        var again = PairedBootstrap.Compare("rmse", challenger, champion, 500, 0.95, 7);

        Assert.Equal(Math.Sqrt(7.5), first.Challenger, 12);
        Assert.Equal(Math.Sqrt(30), first.Champion, 12);
        Assert.Equal(first.LowerBound, again.LowerBound);
        Assert.True(first.LowerBound <= first.Improvement);
    }
}
