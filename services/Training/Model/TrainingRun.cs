namespace Platform.Training.Model;

public enum RunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One training run, tracked like an MLflow run: what it trained on, how, and what came out.</summary>
public sealed class TrainingRun
{
    public Guid Id { get; set; }
    public required string ModelName { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public required string DatasetSha256 { get; set; }

    /// <summary>"dataset", "drift" or "manual".</summary>
    public required string Trigger { get; set; }

    /// <summary>The id of what started the run (dataset version, drift report, request): a redelivery finds it and stops.</summary>
    public required string TriggerKey { get; set; }

    public RunStatus Status { get; set; }

    /// <summary>The long job's current step, for progress: downloading, training, exporting, evaluating-champion, done.</summary>
    public string Stage { get; set; } = "queued";
    public string? Progress { get; set; }

    public string? Task { get; set; }
    public string? Target { get; set; }
    public string? Trainer { get; set; }
    public int Seed { get; set; }
    public string? ParametersJson { get; set; }
    public string? MetricsJson { get; set; }
    public string? CrossValidationJson { get; set; }
    public string? PrimaryMetric { get; set; }
    public int? ChampionVersion { get; set; }
    public double? ChampionMetric { get; set; }
    public int TrainRows { get; set; }
    public int HoldoutRows { get; set; }
    public string? ArtifactSha256 { get; set; }
    public long ArtifactSizeBytes { get; set; }
    public string? Error { get; set; }
    public string? TraceId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public double DurationSeconds { get; set; }

    /// <summary>Exactly which rows of which dataset versions trained the run and which were held out for the gate.</summary>
    public DataPolicy.DataSelection? Data { get; set; }
}
