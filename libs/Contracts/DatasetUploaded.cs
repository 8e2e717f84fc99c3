namespace Platform.Contracts;

/// <summary>
/// A new dataset version is stored. A claim check: <paramref name="ContentUri"/> says where to read the bytes,
/// which never travel on the bus.
/// </summary>
/// <param name="Source">"upload" (a producer) or "feedback" (labelled live rows from Monitoring).</param>
/// <param name="AppendedTo">For an append, the version whose rows come first (this version's first rows are exactly that version's).</param>
public sealed record DatasetUploaded(
    Guid DatasetVersionId,
    string DatasetName,
    int Version,
    string Sha256,
    long RowCount,
    string Target,
    string Task,
    IReadOnlyList<ColumnInfo> Columns,
    Uri ContentUri,
    DateTimeOffset UploadedAt,
    string Source = DatasetSources.Upload,
    int? AppendedTo = null,
    DatasetLineage? Lineage = null);
