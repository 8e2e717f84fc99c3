using Platform.Contracts;
using Platform.Ml.Models;
using Platform.Training.DataPolicy;

namespace Platform.Training;

/// <summary>
/// Scores the current production version on the challenger's holdout, so the Registry's gate compares both models
/// on the same rows rather than on metrics from different splits; and, when the run held out its newest rows for the
/// gate (<see cref="RunData.Gate"/>), scores champion and challenger row by row on those.
/// </summary>
public sealed class ChampionEvaluator(ChampionArtifact champions, RunData data, ILogger<ChampionEvaluator> logger)
{
    public sealed record Evaluation(int? Version, double? Metric, GateHoldout? Gate = null);

    public async Task<Evaluation> EvaluateAsync(string modelName, TrainingResult challenger, CancellationToken cancellationToken)
    {
        if (await champions.GetAsync(modelName, cancellationToken) is not { } champion) return new Evaluation(null, null);

        try
        {
            using var scorer = OnnxScorer.Load(champion.Onnx);
            var scores = scorer.Score(challenger.Holdout);
            var metrics = ModelEvaluator.Evaluate(challenger.Signature.Task, challenger.Holdout, challenger.Signature.Target, scores, scorer.Signature.ClassLabels);
            var gate = data.Gate is { } rows && data.Selection is { } selection ? GateScorer.Score(rows, selection, challenger, scorer, champion.Version) : null;
            return new Evaluation(champion.Version, metrics.TryGetValue(challenger.PrimaryMetric, out var value) ? value : null, gate);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            // The champion cannot read the new data (its inputs changed): the gate falls back to its own metric.
            logger.LogWarning(ex, "Champion {Model} v{Version} could not be scored on the new holdout", modelName, champion.Version);
            return new Evaluation(champion.Version, null);
        }
    }
}
