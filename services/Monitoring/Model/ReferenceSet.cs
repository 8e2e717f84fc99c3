namespace Platform.Monitoring.Model;

/// <summary>
/// The training data of a model's production version: a bounded sample (what live inputs are tested against) and the
/// profile of the whole dataset (what an operator compares by eye), with the version's holdout metrics (the baseline
/// of live quality).
/// </summary>
public sealed class ReferenceSet
{
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public int Rows { get; set; }

    /// <summary>"regression", "binary" or "multiclass": decides which live-quality metric applies.</summary>
    public string Task { get; set; } = "";

    /// <summary>The sampled feature columns as JSON (<see cref="ReferenceColumns"/>).</summary>
    public required string ColumnsJson { get; set; }

    /// <summary>The whole training dataset's profile (<c>Platform.Ml.Data.Profiling.DatasetProfile</c>) as JSON.</summary>
    public string ProfileJson { get; set; } = "null";

    /// <summary>The version's holdout metrics as a JSON object (rmse, accuracy, ...); "{}" when the promotion carried none.</summary>
    public string HoldoutMetricsJson { get; set; } = "{}";

    public DateTimeOffset PromotedAt { get; set; }

    /// <summary>The training data's columns in file order: labelled live rows are appended in this order.</summary>
    public string[] DatasetColumns { get; set; } = [];

    /// <summary>The training data's target column; null when the promotion did not say (then the one non-input column).</summary>
    public string? Target { get; set; }
}

/// <summary>Sampled reference values per feature; the key order is the order live rows carry their values in.</summary>
public sealed record ReferenceColumns(
    List<string> NumericFeatures,
    List<string> CategoricalFeatures,
    Dictionary<string, double[]> Numeric,
    Dictionary<string, string?[]> Categorical);
