using System.Text.Json.Serialization;

namespace Platform.Contracts;

// The Registry's HTTP read models (GET /models, /models/{name}, /models/{name}/versions/{v}), declared once: the
// Registry answers with them, and Inference and Monitoring read them when they reconcile with it.

public sealed record LineageResponse(string Dataset, int DatasetVersion, string DatasetSha256, Uri DatasetContentUri, Guid RunId, string Trigger);

public sealed record ModelVersionResponse(
    string Model, int Version, string Stage, string Task, string Target, string Trainer,
    IReadOnlyList<ColumnInfo> Inputs, IReadOnlyList<string>? ClassLabels,
    string PrimaryMetric, bool HigherIsBetter, double HoldoutMetric, IReadOnlyDictionary<string, double> Metrics,
    Uri ArtifactUri, string ArtifactSha256, long ArtifactSizeBytes, LineageResponse Lineage, string Decision,
    DateTimeOffset CreatedAt, DateTimeOffset? PromotedAt)
{
    /// <summary>
    /// The promotion this production version stands for, as the Registry published it (or would have): what a
    /// service that missed the <see cref="ModelPromoted"/> event acts on instead.
    /// </summary>
    public ModelPromoted ToPromotion(string reason) => new(
        Model, Version, null, Lineage.RunId, Task, Inputs, ArtifactUri, ArtifactSha256,
        Lineage.Dataset, Lineage.DatasetVersion, Lineage.DatasetContentUri, PrimaryMetric, HoldoutMetric, reason,
        PromotedAt ?? DateTimeOffset.MinValue, Metrics);
}

public sealed record RegisteredModelResponse(string Name, int? ProductionVersion, IReadOnlyList<ModelVersionResponse> Versions)
{
    /// <summary>The version in production, when there is one and the answer lists it (not on the wire: it is in <see cref="Versions"/>).</summary>
    [JsonIgnore]
    public ModelVersionResponse? Production => Versions.FirstOrDefault(v => v.Version == ProductionVersion);
}
