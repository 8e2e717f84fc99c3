namespace Platform.Contracts;

/// <summary>One column of a dataset or one input of a model, as it travels between services.</summary>
/// <param name="Kind">"numeric", "categorical" or "boolean".</param>
/// <param name="Categories">The values seen for a categorical column, in a stable order; null otherwise.</param>
public sealed record ColumnInfo(string Name, string Kind, IReadOnlyList<string>? Categories = null);

/// <summary>Task names used on the wire: "regression", "binary", "multiclass".</summary>
public static class TaskNames
{
    public const string Regression = "regression";
    public const string Binary = "binary";
    public const string Multiclass = "multiclass";
}

/// <summary>Why a training run started: what a run records as its trigger.</summary>
public static class TriggerNames
{
    public const string DatasetUploaded = "dataset";
    public const string Drift = "drift";
    public const string Manual = "manual";
}
