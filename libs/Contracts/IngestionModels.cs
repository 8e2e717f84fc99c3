namespace Platform.Contracts;

// Ingestion's HTTP read models (GET /datasets, /datasets/{name}, /datasets/{name}/versions/{v}), declared once:
// Ingestion answers with them, and Training (reconciliation) and the console read them.

/// <param name="Source">Who produced the rows: "upload" or "feedback" (Monitoring's labelled live rows, which ask for no run of their own).</param>
public sealed record DatasetVersionResponse(
    Guid Id, string Name, int Version, string Sha256, long SizeBytes, long RowCount, string Target, string Task,
    IReadOnlyList<ColumnInfo> Columns, Uri ContentUri, DateTimeOffset CreatedAt,
    int SchemaVersion, int? AppendedTo, long DroppedRows, DatasetSource Source = DatasetSource.Upload);

public sealed record DatasetResponse(string Name, int LatestVersion, IReadOnlyList<DatasetVersionResponse> Versions);
