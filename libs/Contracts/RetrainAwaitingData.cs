namespace Platform.Contracts;

/// <summary>
/// A drift report asked for a retrain, but the model has too few labelled rows newer than the drift to learn the
/// changed world from: Training waits until <paramref name="NeededRows"/> have arrived (then it retrains by itself).
/// Published again as rows arrive, and with <paramref name="Started"/> true when the retrain starts.
/// </summary>
public sealed record RetrainAwaitingData(
    string ModelName,
    Guid ReportId,
    long HaveRows,
    long NeededRows,
    bool Started,
    DateTimeOffset At);
