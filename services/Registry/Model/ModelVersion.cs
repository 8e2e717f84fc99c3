namespace Platform.Registry.Model;

public enum VersionStage
{
    /// <summary>Serving: the model's production alias points here.</summary>
    Production,

    /// <summary>Served before, replaced since; a rollback target.</summary>
    Archived,

    /// <summary>Registered, but the gate kept the champion.</summary>
    Rejected,
}

/// <summary>A registered model version with its lineage: dataset version → training run → this version.</summary>
public sealed class ModelVersion
{
    public Guid Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public Guid RunId { get; set; }
    public VersionStage Stage { get; set; }
    public required string Task { get; set; }
    public required string Target { get; set; }
    public required string Trainer { get; set; }
    public required string Trigger { get; set; }
    public required string InputsJson { get; set; }
    public string? ClassLabelsJson { get; set; }
    public required string PrimaryMetric { get; set; }
    public bool HigherIsBetter { get; set; }
    public double HoldoutMetric { get; set; }
    public required string MetricsJson { get; set; }
    public required string ArtifactSha256 { get; set; }
    public long ArtifactSizeBytes { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public required string DatasetSha256 { get; set; }
    public required string DatasetContentUri { get; set; }

    /// <summary>First row (0-based, inclusive) of the dataset version the run selected to train on (ModelTrained's); null: from the first.</summary>
    public int? TrainingRowFrom { get; set; }

    /// <summary>End row (exclusive) of that selection; null: to the last. Sent again with every promotion of this version.</summary>
    public int? TrainingRowTo { get; set; }
    public required string Decision { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }
}
