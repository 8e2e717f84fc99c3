namespace Platform.Contracts;

/// <summary>
/// A new dataset version is stored. A claim check: <paramref name="ContentUri"/> says where to read the bytes,
/// which never travel on the bus.
/// </summary>
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
    DateTimeOffset UploadedAt);
