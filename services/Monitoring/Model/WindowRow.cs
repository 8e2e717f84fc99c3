namespace Platform.Monitoring.Model;

/// <summary>One live input row waiting in the current window of a model version.</summary>
public sealed class WindowRow
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public Guid PredictionId { get; set; }
    public required string NumericJson { get; set; }
    public required string CategoricalJson { get; set; }

    /// <summary>The classifier's top-class probability; null for regression.</summary>
    public double? Confidence { get; set; }

    public DateTimeOffset At { get; set; }
}
