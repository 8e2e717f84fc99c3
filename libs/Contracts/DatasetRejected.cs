namespace Platform.Contracts;

/// <summary>
/// The answer to a rejected <see cref="SubmitDataset"/>: nothing was stored. <paramref name="Reasons"/> lists the first
/// problems found (100 at most), <paramref name="TotalProblems"/> counts them all.
/// </summary>
public sealed record DatasetRejected(
    Guid CorrelationId,
    string DatasetName,
    IReadOnlyList<RejectionReason> Reasons,
    long TotalProblems,
    DateTimeOffset RejectedAt);

/// <summary>One problem with a submission.</summary>
/// <param name="Code">Stable and machine-readable, e.g. "field-count", "not-a-number", "invalid-utf8", "line-too-long", "schema-mismatch", "missing-target".</param>
/// <param name="Message">What is wrong and where, for a person.</param>
/// <param name="Column">The column concerned, when one is.</param>
/// <param name="Row">The 1-based data row (the header is row 0), when the problem is in a row.</param>
/// <param name="Line">The 1-based line of the file on which that row starts, as an editor shows it.</param>
public sealed record RejectionReason(string Code, string Message, string? Column = null, long? Row = null, long? Line = null);
