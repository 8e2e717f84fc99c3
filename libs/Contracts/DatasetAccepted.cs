namespace Platform.Contracts;

/// <summary>
/// The answer to an accepted <see cref="SubmitDataset"/>. <paramref name="Created"/> is false when the same submission
/// (same id, or the same bytes) was already stored: <paramref name="Version"/> is then that version, and no second
/// <see cref="DatasetUploaded"/> follows.
/// </summary>
/// <param name="DroppedRows">Rows left out under the drop-bad-rows policy (0 under the default reject policy).</param>
public sealed record DatasetAccepted(
    Guid CorrelationId,
    string DatasetName,
    int Version,
    string Sha256,
    long RowCount,
    bool Created,
    long DroppedRows,
    DateTimeOffset AcceptedAt);
