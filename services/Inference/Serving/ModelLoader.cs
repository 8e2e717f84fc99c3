using System.Diagnostics.Metrics;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Serving;

public sealed record ModelToLoad(string Name, int Version, DateTimeOffset PromotedAt, Uri ArtifactUri, string ArtifactSha256);

/// <summary>Downloads a version from the Registry, checks its hash, builds and warms its session off the request path, then swaps it in.</summary>
public sealed class ModelLoader(HttpClient http, ModelCatalog catalog, ILogger<ModelLoader> logger)
{
    public static readonly Counter<long> LoadFailures = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.load.failed", description: "Model versions that could not be loaded (the current one stays in service)");

    public async Task<bool> LoadAsync(ModelToLoad model, CancellationToken cancellationToken)
    {
        // The same version, or an older promotion than the one served (a late event, a Registry read that raced one): nothing to build.
        if (catalog.Current(model.Name) is { } current && (current.Version == model.Version || current.PromotedAt > model.PromotedAt)) return false;

        using var activity = PlatformTelemetry.Source.StartActivity($"swap {model.Name}");
        activity?.SetTag("platform.model", model.Name);
        activity?.SetTag("platform.version", model.Version);

        var served = await BuildAsync(model, cancellationToken);
        if (!catalog.Swap(served))
        {
            served.Retire();
            logger.LogInformation("{Model} v{Version} not swapped in: a newer promotion is served", model.Name, model.Version);
            return false;
        }

        logger.LogInformation("{Model} v{Version} is now served", model.Name, model.Version);
        return true;
    }

    /// <summary>A ready-to-serve version (downloaded, checked, warmed) that is not in the catalog: for swaps and pinned versions.</summary>
    public async Task<ServedModel> BuildAsync(ModelToLoad model, CancellationToken cancellationToken)
    {
        var bytes = await http.GetVerifiedBytesAsync(model.ArtifactUri, model.ArtifactSha256, cancellationToken);

        var scorer = OnnxScorer.Load(bytes);
        try
        {
            WarmUp(scorer);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }

        return new ServedModel(model.Name, model.Version, model.PromotedAt, scorer);
    }

    /// <summary>
    /// One plausible row through both paths, so that the first real request pays for no lazy initialisation and a
    /// model that cannot score fails here, before the swap, rather than on traffic.
    /// </summary>
    private static void WarmUp(OnnxScorer scorer)
    {
        var inputs = scorer.Signature.Inputs;
        scorer.Score(new Table(inputs.Select(input => input.Kind switch
        {
            ColumnKind.Categorical => TableColumn.Categorical(input.Name, [FirstCategory(input)]),
            ColumnKind.Boolean => TableColumn.Boolean(input.Name, [0]),
            _ => TableColumn.Numeric(input.Name, [0]),
        }).ToArray()));

        using var batch = scorer.RentBatch(1);
        for (var f = 0; f < inputs.Count; f++)
        {
            if (inputs[f].Kind == ColumnKind.Categorical) batch.SetText(f, 0, FirstCategory(inputs[f]));
            else batch.SetNumber(f, 0, 0);
        }

        batch.Score();
    }

    private static string FirstCategory(Platform.Ml.FeatureSpec input) => input.Categories is { Count: > 0 } c ? c[0] : "";
}
