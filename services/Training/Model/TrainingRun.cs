namespace Platform.Training.Model;

public enum RunStatus
{
    /// <summary>Recorded and waiting for a free slot (Training:Runs:MaxParallelRuns, one run per model at a time).</summary>
    Queued,
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
    public Guid DatasetVersionId { get; set; }
    public required string DatasetSha256 { get; set; }

    /// <summary>Where the bytes are read (the claim check), kept so a queued or interrupted run can start again.</summary>
    public string? DatasetContentUri { get; set; }

    /// <summary>The kinds of the dataset version's columns (<see cref="DatasetPointer.ColumnKinds"/>), read with its content.</summary>
    public IReadOnlyDictionary<string, string>? DatasetColumnKinds { get; set; }

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
    /// <summary>The selected hyper-parameters.</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; set; }
    /// <summary>The exported model's metrics on the holdout.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; set; }
    /// <summary>Every candidate that finished its cross-validation, best first.</summary>
    public IReadOnlyList<Platform.Ml.Models.CandidateResult>? CrossValidation { get; set; }

    /// <summary>The bulky evaluation details, in the same row but loaded only when asked for (GET /runs/{id}).</summary>
    public RunEvaluation? Evaluation { get; set; }
    public string? PrimaryMetric { get; set; }
    public int? ChampionVersion { get; set; }
    public double? ChampionMetric { get; set; }
    public int TrainRows { get; set; }
    public int HoldoutRows { get; set; }
    public string? ArtifactSha256 { get; set; }
    public long ArtifactSizeBytes { get; set; }
    public string? Error { get; set; }
    public string? TraceId { get; set; }

    /// <summary>W3C traceparent of what queued the run: the run's own span continues that trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>How many times a process started this run; an interrupted run starts again until Training:Runs:MaxAttempts.</summary>
    public int Attempts { get; set; }

    /// <summary>Requests served by this run: the one that queued it plus retrains that collapsed into it while it waited.</summary>
    public int Requests { get; set; } = 1;

    /// <summary>Why the run started again (or failed): the last interruption, for the operator.</summary>
    public string? Interruption { get; set; }

    /// <summary>The Training instance executing it, and when that instance last said it still does.</summary>
    public string? Owner { get; set; }
    public DateTimeOffset? HeartbeatAt { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public double DurationSeconds { get; set; }

    /// <summary>The dataset version this run trains on.</summary>
    public DatasetPointer Dataset() => new()
    {
        ModelName = ModelName, DatasetName = DatasetName, DatasetVersion = DatasetVersion, DatasetVersionId = DatasetVersionId,
        Sha256 = DatasetSha256, Target = Target ?? "", Task = Task ?? "", ContentUri = DatasetContentUri ?? "",
        ColumnKinds = DatasetColumnKinds,
    };

    /// <summary>Exactly which rows of which dataset versions trained the run and which were held out for the gate.</summary>
    public Platform.Contracts.DataSelection? Data { get; set; }
}

/// <summary>
/// What a run's page draws and a list of runs never needs: the confusion matrix, the residual sample (up to 500
/// points) and the model's weights. It shares the run's row (table splitting), so a query that does not include it
/// does not read these columns.
/// </summary>
public sealed class RunEvaluation
{
    public Guid RunId { get; set; }

    /// <summary>Classifiers: the holdout confusion matrix.</summary>
    public Platform.Contracts.ConfusionMatrix? ConfusionMatrix { get; set; }

    /// <summary>Regression: a bounded, evenly spaced sample of holdout (actual, predicted) pairs.</summary>
    public IReadOnlyList<Platform.Contracts.HoldoutPrediction>? HoldoutPredictions { get; set; }

    /// <summary>"coefficient" (linear models) or "split_share" (trees): what <see cref="FeatureWeights"/> holds.</summary>
    public string? FeatureWeightKind { get; set; }

    /// <summary>The selected model's coefficients or split shares, largest magnitude first.</summary>
    public IReadOnlyList<Platform.Contracts.FeatureWeight>? FeatureWeights { get; set; }
}
