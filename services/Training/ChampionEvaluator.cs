using System.Net;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml.Models;
using Platform.Training.DataPolicy;

namespace Platform.Training;

/// <summary>
/// Scores the current production version on the challenger's holdout, so the Registry's gate compares both models
/// on the same rows rather than on metrics from different splits; and, when the run held out its newest rows for the
/// gate (<see cref="RunData.Gate"/>), scores champion and challenger row by row on those.
/// </summary>
public sealed class ChampionEvaluator(HttpClient http, RunData data, IOptions<TrainingOptions> options, ILogger<ChampionEvaluator> logger)
{
    public sealed record Evaluation(int? Version, double? Metric, GateHoldout? Gate = null);

    public async Task<Evaluation> EvaluateAsync(string modelName, TrainingResult challenger, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(options.Value.RegistryUrl, $"models/{Uri.EscapeDataString(modelName)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return new Evaluation(null, null);
        response.EnsureSuccessStatusCode();

        var model = await response.Content.ReadFromJsonAsync<RegisteredModel>(cancellationToken);
        var champion = model?.Versions.FirstOrDefault(v => v.Version == model.ProductionVersion);
        if (champion is null) return new Evaluation(null, null);

        var bytes = await http.GetVerifiedBytesAsync(champion.ArtifactUri, champion.ArtifactSha256, cancellationToken);

        try
        {
            using var scorer = OnnxScorer.Load(bytes);
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

    private sealed record RegisteredModel(string Name, int? ProductionVersion, List<RegisteredVersion> Versions);

    private sealed record RegisteredVersion(int Version, Uri ArtifactUri, string ArtifactSha256);
}
