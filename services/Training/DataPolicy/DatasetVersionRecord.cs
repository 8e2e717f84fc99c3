namespace Platform.Training.DataPolicy;

/// <summary>Every dataset version Training has heard of, so a run can say which versions its rows came from.</summary>
public sealed class DatasetVersionRecord
{
    public required string DatasetName { get; set; }
    public int Version { get; set; }
    public required string ModelName { get; set; }
    public Guid DatasetVersionId { get; set; }
    public long RowCount { get; set; }

    /// <summary>"upload" or "feedback".</summary>
    public required string Source { get; set; }

    /// <summary>For an append, the version whose rows come first.</summary>
    public int? AppendedTo { get; set; }

    /// <summary>Where the rows came from (Monitoring's submission for feedback).</summary>
    public string? LineageReference { get; set; }

    /// <summary>For feedback, the earliest and latest prediction its rows answer.</summary>
    public DateTimeOffset? LineageFrom { get; set; }

    public DateTimeOffset? LineageTo { get; set; }

    public DateTimeOffset UploadedAt { get; set; }

    /// <summary>
    /// Since when the world its rows describe was observed: the earliest prediction for feedback (whose truth may reach
    /// the dataset long after), the upload for a producer's version.
    /// </summary>
    public DateTimeOffset ObservedFrom => LineageFrom ?? UploadedAt;
}
