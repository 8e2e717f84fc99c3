namespace Platform.Contracts;

public sealed record TrainingFailed(
    Guid RunId,
    string ModelName,
    string DatasetName,
    int DatasetVersion,
    string Trigger,
    string Reason,
    DateTimeOffset FailedAt);
