namespace Platform.Monitoring.Model;

public enum SubmissionStatus
{
    /// <summary>Sent to Ingestion (or about to be), no answer yet; resent with the same id until one comes.</summary>
    Pending,
    Accepted,
    Rejected,
}

/// <summary>
/// A batch of labelled live rows (inputs + actual) submitted to Ingestion as an appended dataset version: the lineage
/// from a feedback dataset version back to the predictions it answers.
/// </summary>
public sealed class FeedbackSubmission
{
    /// <summary>The <c>SubmitDataset</c> correlation id.</summary>
    public Guid Id { get; set; }

    public required string ModelName { get; set; }
    public required string DatasetName { get; set; }
    public int Rows { get; set; }
    public Guid[] PredictionIds { get; set; } = [];

    /// <summary>The earliest and latest prediction among the rows.</summary>
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }

    public SubmissionStatus Status { get; set; }

    /// <summary>The dataset version Ingestion stored the rows in, once accepted.</summary>
    public int? DatasetVersion { get; set; }

    public string? Error { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
}
