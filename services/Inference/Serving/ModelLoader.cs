using System.Diagnostics;
using System.Security.Cryptography;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Serving;

public sealed record ModelToLoad(string Name, int Version, DateTimeOffset PromotedAt, Uri ArtifactUri, string ArtifactSha256);

/// <summary>Downloads a version from the Registry, checks its hash, builds and warms its session off the request path, then swaps it in.</summary>
public sealed class ModelLoader(HttpClient http, ModelCatalog catalog, ILogger<ModelLoader> logger)
{
    public async Task<bool> LoadAsync(ModelToLoad model, CancellationToken cancellationToken)
    {
        if (catalog.Current(model.Name) is { } current && current.Version == model.Version) return false;

        using var activity = PlatformTelemetry.Source.StartActivity($"swap {model.Name}");
        activity?.SetTag("platform.model", model.Name);
        activity?.SetTag("platform.version", model.Version);

        var bytes = await http.GetByteArrayAsync(model.ArtifactUri, cancellationToken);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha, model.ArtifactSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Artifact of {model.Name} v{model.Version} has SHA-256 {sha}, expected {model.ArtifactSha256}.");

        var scorer = OnnxScorer.Load(bytes);
        try
        {
            scorer.Score(WarmUpRow(scorer));
        }
        catch
        {
            scorer.Dispose();
            throw;
        }

        var served = new ServedModel(model.Name, model.Version, model.PromotedAt, scorer);
        if (!catalog.Swap(served))
        {
            served.Retire();
            logger.LogInformation("{Model} v{Version} not swapped in: a newer promotion is served", model.Name, model.Version);
            return false;
        }

        logger.LogInformation("{Model} v{Version} is now served", model.Name, model.Version);
        return true;
    }

    /// <summary>One plausible row, so that the session's first real request does not pay for lazy initialisation.</summary>
    private static Table WarmUpRow(OnnxScorer scorer) => new(scorer.Signature.Inputs.Select(input => input.Kind switch
    {
        ColumnKind.Categorical => TableColumn.Categorical(input.Name, [input.Categories is { Count: > 0 } c ? c[0] : ""]),
        ColumnKind.Boolean => TableColumn.Boolean(input.Name, [0]),
        _ => TableColumn.Numeric(input.Name, [0]),
    }).ToArray());
}
