using System.Globalization;
using Microsoft.Extensions.Options;

namespace Platform.Registry;

/// <summary>What the gate knows about a challenger and the current champion.</summary>
/// <param name="ChampionMetricOnSameHoldout">The champion scored on the challenger's holdout, when Training could do it.</param>
public sealed record GateInput(
    string PrimaryMetric,
    bool HigherIsBetter,
    double ChallengerMetric,
    int? ChampionVersion,
    double? ChampionMetricOnSameHoldout,
    double? ChampionOwnMetric);

public sealed record GateDecision(bool Promote, string Reason);

/// <summary>
/// Champion/challenger gate: a first version must reach the metric's floor; a later one must beat the champion by
/// the margin, compared on the same holdout whenever Training scored the champion there.
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

    private static bool AtLeast(double value, double floor, bool higherIsBetter) => higherIsBetter ? value >= floor : value <= floor;

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
