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

    /// <summary>Starts at 1; a submission that asks for a new schema (other columns, target or task) starts the next.</summary>
    public int SchemaVersion { get; set; } = 1;

    /// <summary>The SHA-256 of the bytes as submitted (the batch of an append, the file before bad rows were dropped): the idempotency key for a resubmission.</summary>
    public string? SubmittedSha256 { get; set; }

    /// <summary>The producer's correlation id for a bus submission: a redelivery finds its version by it.</summary>
    public Guid? SubmissionId { get; set; }

    /// <summary>For an append, the version whose rows come first.</summary>
    public int? AppendedTo { get; set; }

    /// <summary>Rows left out under the drop-bad-rows policy.</summary>
    public long DroppedRows { get; set; }

    /// <summary>The <see cref="Platform.Ml.Data.Profiling.DatasetProfile"/> as JSON; null for versions stored before profiles were kept.</summary>
    public string? ProfileJson { get; set; }

    /// <summary>Who produced the rows (stored as "upload"/"feedback"; versions from before it was kept are uploads).</summary>
    public Platform.Contracts.DatasetSource Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
