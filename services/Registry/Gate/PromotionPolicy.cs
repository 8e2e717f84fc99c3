using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Registry.Gate;

/// <summary>What the gate knows about a challenger and the current champion.</summary>
/// <param name="ChampionMetricOnSameHoldout">The champion scored on the challenger's holdout, when Training could do it.</param>
/// <param name="Holdout">Both scored row by row on the newest rows, which the challenger did not train on (see <see cref="GateHoldout"/>).</param>
public sealed record GateInput(
    string PrimaryMetric,
    bool HigherIsBetter,
    double ChallengerMetric,
    int? ChampionVersion,
    double? ChampionMetricOnSameHoldout,
    double? ChampionOwnMetric,
    GateHoldout? Holdout = null);

public sealed record GateDecision(bool Promote, string Reason);

/// <summary>
/// Champion/challenger gate. Every version must reach the primary metric's floor (a first version needs nothing
/// more). A later one is judged on the world as it is now when Training sent a <see cref="GateHoldout"/> of at least
/// <see cref="GateOptions.MinHoldoutRows"/> rows scored for the current champion: it must beat the champion there beyond
/// chance (<see cref="PairedBootstrap"/>). Otherwise it must beat the champion's primary metric by the margin, on the
/// challenger's own holdout whenever Training scored the champion there.
/// </summary>
public sealed class PromotionPolicy(IOptions<RegistryOptions> options)
{
    public GateDecision Decide(GateInput input)
    {
        var settings = options.Value;
        var metric = input.PrimaryMetric;
        var value = input.ChallengerMetric;
        if (double.IsNaN(value)) return new GateDecision(false, $"{metric} is NaN.");

        if (settings.Floors.TryGetValue(metric, out var floor) && !AtLeast(value, floor, input.HigherIsBetter))
            return new GateDecision(false, $"{metric} {F(value)} does not reach the floor {F(floor)}.");

        if (input.ChampionVersion is null)
            return new GateDecision(true, settings.Floors.ContainsKey(metric)
                ? $"First version: {metric} {F(value)} reaches the floor {F(floor)}."
                : $"First version: no floor is set for {metric}.");

        if (input.Holdout is { } holdout && holdout.ChampionVersion == input.ChampionVersion
            && holdout.ChallengerLosses.Count == holdout.ChampionLosses.Count && holdout.ChallengerLosses.Count >= settings.Gate.MinHoldoutRows)
            return OnRecentRows(holdout, settings.Gate);

        var (champion, basis) = input.ChampionMetricOnSameHoldout is { } same
            ? (same, "on the same holdout")
            : (input.ChampionOwnMetric ?? double.NaN, "on the champion's own holdout (it could not be scored on this one)");
        if (double.IsNaN(champion))
            return new GateDecision(true, $"Champion v{input.ChampionVersion} has no comparable {metric}; challenger reaches the floor.");

        var improvement = input.HigherIsBetter ? value - champion : champion - value;
        return improvement > settings.Margin
            ? new GateDecision(true, $"Challenger {metric} {F(value)} beats champion v{input.ChampionVersion} {F(champion)} {basis} by {F(improvement)} (margin {F(settings.Margin)}).")
            : new GateDecision(false, $"Challenger {metric} {F(value)} does not beat champion v{input.ChampionVersion} {F(champion)} {basis} by more than the margin {F(settings.Margin)}.");
    }

    /// <summary>The recent-rows rule: the bootstrap's lower bound of the improvement must exceed the relative margin of the champion's value.</summary>
    private static GateDecision OnRecentRows(GateHoldout holdout, GateOptions gate)
    {
        var result = PairedBootstrap.Compare(holdout.Metric, holdout.ChallengerLosses, holdout.ChampionLosses, gate.Resamples, gate.Confidence, gate.Seed);
        var margin = gate.RelativeMargin * result.Champion;
        var promote = result.LowerBound > margin;
        var scores = $"challenger {holdout.Metric} {F(result.Challenger)}, champion v{holdout.ChampionVersion} {F(result.Champion)}";
        var test = $"improvement {F(result.Improvement)}, {gate.Confidence:P0} lower bound {F(result.LowerBound)} " +
                   $"{(promote ? ">" : "<=")} margin {F(margin)} (paired bootstrap, {gate.Resamples} resamples, seed {gate.Seed})";
        var where = $"on {holdout.ChallengerLosses.Count} newest rows held out of training ({holdout.Provenance})";
        return new GateDecision(promote, promote
            ? $"Challenger beats the champion {where}: {scores}; {test}."
            : $"Challenger does not beat the champion beyond chance {where}: {scores}; {test}.");
    }

    private static bool AtLeast(double value, double floor, bool higherIsBetter) => higherIsBetter ? value >= floor : value <= floor;

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
