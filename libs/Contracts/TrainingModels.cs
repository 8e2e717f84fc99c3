using System.Text.Json;

namespace Platform.Contracts;

// Training's HTTP read models (GET /runs, /runs/{id}, POST /models/{name}/retrain), declared once: Training answers
// with them, and the Registry (reconciliation, confirming a run) and the console read them. The small records a run
// carries (progress, evaluation charts, data selection) are here too, so that no reader needs the ML libraries.

/// <param name="Status">One of <see cref="RunStatuses"/>.</param>
public sealed record RunResponse(
    Guid Id, string Model, string Status, string Stage, TrainingProgress? Progress, string Trigger,
    string Dataset, int DatasetVersion, string DatasetSha256, string? Task, string? Target, string? Trainer, int Seed,
    JsonElement? Parameters, JsonElement? Metrics, JsonElement? CrossValidation, string? PrimaryMetric,
    int? ChampionVersion, double? ChampionMetric, int TrainRows, int HoldoutRows,
    string? ArtifactSha256, long ArtifactSizeBytes, string? Error, string? TraceId,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, double DurationSeconds,
    DateTimeOffset QueuedAt, int Attempts, int Requests, string? Interruption, DataSelection? Data = null,
    ConfusionMatrix? ConfusionMatrix = null, IReadOnlyList<HoldoutPrediction>? HoldoutPredictions = null,
    string? FeatureWeightKind = null, IReadOnlyList<FeatureWeight>? FeatureWeights = null);

/// <summary>A run's status on the wire (GET /runs?status= takes the same names).</summary>
public static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    /// <summary>A drift retrain waiting for labelled rows (listed with the runs; not a run yet).</summary>
    public const string AwaitingData = "awaiting-data";

    public static readonly IReadOnlyList<string> All = [Queued, Running, Succeeded, Failed, AwaitingData];
}

public sealed record RetrainAccepted(string Model, string Reason);

/// <param name="Reason">Why (at most 500 characters); recorded with the key id that asked.</param>
public sealed record RetrainRequest(string? Reason);

/// <summary>Progress of a training run: stage "cross-validation" counts candidate fits, then "refit", "export".</summary>
public sealed record TrainingProgress(string Stage, int Done, int Total, string? Detail = null);

/// <summary>
/// What the model learnt about one feature. Linear models: the coefficient on the standardised feature (per class
/// for multiclass, <see cref="Class"/> set). Trees: the share of all splits made on the feature (sums to 1).
/// Numeric features are named as their column; one-hot slots as <c>column=category</c>.
/// </summary>
public sealed record FeatureWeight(string Feature, string? Class, double Value);

/// <summary>Counts of (actual, predicted) class pairs: <c>Counts[actual][predicted]</c>, both in <see cref="Labels"/> order.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, int[][] Counts);

/// <summary>One holdout row of a regression: the true target and the model's prediction (for a residual plot).</summary>
public sealed record HoldoutPrediction(double Actual, double Predicted);

/// <summary>
/// Exactly which rows a run used, recorded with the run (lineage: dataset versions → run → model version): rows
/// [<see cref="RowFrom"/>, <see cref="GateFrom"/>) of the dataset version trained it, [<see cref="GateFrom"/>,
/// <see cref="RowTo"/>) were held out for the gate, and <see cref="Versions"/> says which versions contributed them.
/// </summary>
/// <param name="Policy">"all", "newest" or "since-drift", with the reason it applied.</param>
public sealed record DataSelection(
    string Policy,
    string DatasetName,
    int DatasetVersion,
    int RowFrom,
    int GateFrom,
    int RowTo,
    IReadOnlyList<VersionRows> Versions);

/// <summary>Rows [<paramref name="RowFrom"/>, <paramref name="RowTo"/>) of the run's dataset version came from this version.</summary>
public sealed record VersionRows(int Version, string Source, int RowFrom, int RowTo);
