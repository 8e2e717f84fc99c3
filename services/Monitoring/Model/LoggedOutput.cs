namespace Platform.Monitoring.Model;

/// <summary>
/// What a production version predicted for one logged prediction, kept for <see cref="MonitoringOptions.OutputRetention"/>
/// so that feedback sent later can be joined with it.
/// </summary>
public sealed class LoggedOutput
{
    public Guid PredictionId { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }

    /// <summary>The regression value (invariant "R" format) or the predicted class label.</summary>
    public required string Output { get; set; }

    public double? Confidence { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Set once the prediction counted in a live-quality window, so that it counts in one only.</summary>
    public bool QualityEvaluated { get; set; }
}

/// <summary>The actual value for a prediction, as a client reported it (it may arrive before the prediction's log batch).</summary>
public sealed class Feedback
{
    public long Id { get; set; }
    public Guid PredictionId { get; set; }
    public required string Actual { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
