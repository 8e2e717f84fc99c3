namespace Platform.Contracts;

/// <summary>An operator asks Training to retrain a model on its newest dataset version.</summary>
public sealed record RetrainRequested(string ModelName, string Reason, DateTimeOffset RequestedAt);
