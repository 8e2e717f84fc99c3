namespace Platform.Ingestion.Model;

/// <summary>One immutable version of a named dataset; its bytes live in the content store under <see cref="Sha256"/>.</summary>
public sealed class DatasetVersion
{
    public Guid Id { get; set; }
    public required string DatasetName { get; set; }
    public int Version { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public long RowCount { get; set; }
    public required string Target { get; set; }
    public required string Task { get; set; }

    /// <summary>The columns as JSON (<see cref="Platform.Contracts.ColumnInfo"/> list).</summary>
    public required string SchemaJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
