namespace Platform.Contracts;

/// <summary>An operator asks Training to retrain a model on its newest dataset version.</summary>
public sealed record RetrainRequested(string ModelName, string Reason, DateTimeOffset RequestedAt)
{
    /// <summary>The id of the API key that asked (never the key); null from producers that predate it.</summary>
    public string? RequestedBy { get; init; }
}
