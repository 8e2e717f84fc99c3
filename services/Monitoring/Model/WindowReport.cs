namespace Platform.Monitoring.Model;

/// <summary>The drift check of one closed window, kept whether or not it drifted.</summary>
public sealed class WindowReport
{
    public Guid Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public int Rows { get; set; }
    public DateTimeOffset WindowFrom { get; set; }
    public DateTimeOffset WindowTo { get; set; }
    public double DriftedShare { get; set; }
    public double Threshold { get; set; }
    public bool DatasetDrift { get; set; }

    /// <summary>Whether a DriftDetected went out; false with <see cref="Decision"/> saying why (no drift, cooldown, daily cap).</summary>
    public bool EventPublished { get; set; }

    public required string Decision { get; set; }
    public required string FeaturesJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
