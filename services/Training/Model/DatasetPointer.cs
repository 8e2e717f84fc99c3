using Platform.Contracts;

namespace Platform.Training.Model;

/// <summary>The newest dataset version seen for a model: what a drift-triggered retrain trains on.</summary>
public sealed class DatasetPointer
{
    public required string ModelName { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public Guid DatasetVersionId { get; set; }
    public required string Sha256 { get; set; }
    public required string Target { get; set; }
    public required string Task { get; set; }
    public required string ContentUri { get; set; }

    /// <summary>
    /// The kind Ingestion recorded for each column of the version (name → "numeric", "categorical", "boolean"): a column
    /// the uploader declared categorical (integer-coded categories, <c>kinds=</c>) must reach the model as one, not be
    /// inferred numeric again from its values. Null on a pointer recorded before kinds were kept: every kind is inferred.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ColumnKinds { get; set; }

    public DatasetPointer Copy() => (DatasetPointer)MemberwiseClone();

    /// <summary>The kinds of a version's columns, as <see cref="ColumnKinds"/> keeps them (Ingestion's names are unique).</summary>
    public static IReadOnlyDictionary<string, string> KindsOf(IEnumerable<ColumnInfo> columns) =>
        columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
}
