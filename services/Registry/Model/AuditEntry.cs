namespace Platform.Registry.Model;

/// <summary>Who moved the production alias, when, and why: the gate, or an operator by hand.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Action { get; set; }
    public int? FromVersion { get; set; }
    public int? ToVersion { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The id of the API key of an operator's move (never the key itself); null for the gate's decisions.</summary>
    public string? KeyId { get; set; }
}
