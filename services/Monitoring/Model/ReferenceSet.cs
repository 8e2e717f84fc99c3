namespace Platform.Monitoring.Model;

/// <summary>The training data of a model's production version (a bounded sample): what live inputs are compared with.</summary>
public sealed class ReferenceSet
{
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public int Rows { get; set; }

    /// <summary>The sampled feature columns as JSON (<see cref="ReferenceColumns"/>).</summary>
    public required string ColumnsJson { get; set; }

    public DateTimeOffset PromotedAt { get; set; }
}

/// <summary>Sampled reference values per feature; the key order is the order live rows carry their values in.</summary>
public sealed record ReferenceColumns(
    List<string> NumericFeatures,
    List<string> CategoricalFeatures,
    Dictionary<string, double[]> Numeric,
    Dictionary<string, string?[]> Categorical);
