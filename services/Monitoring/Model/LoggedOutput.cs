namespace Platform.Monitoring.Model;

/// <summary>
/// What a production version was asked and predicted for one logged prediction, kept for
/// <see cref="MonitoringOptions.OutputRetention"/> so that feedback sent later can be joined with it: the output for live
/// quality, the inputs for labelled rows (inputs + actual) that become training data.
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

    /// <summary>The numeric inputs, in the order of the reference's numeric features (as the log batch carried them).</summary>
    public double[] Numeric { get; set; } = [];

    /// <summary>The categorical inputs, in the order of the reference's categorical features.</summary>
    public string?[] Categorical { get; set; } = [];

    /// <summary>Set once the prediction counted in a live-quality window, so that it counts in one only.</summary>
    public bool QualityEvaluated { get; set; }

    /// <summary>The submission that took this prediction's labelled row to Ingestion: a row is submitted once.</summary>
    public Guid? SubmissionId { get; set; }
}

/// <summary>
/// The actual value for a prediction, as a client reported it (it may arrive before the prediction's log batch), with
/// the key that sent it. One per prediction: a later answer replaces it only when sent by a more trusted role
/// (<see cref="FeedbackTrust"/>) and while the row is not yet training data.
/// </summary>
public sealed class Feedback
{
    public long Id { get; set; }
    public Guid PredictionId { get; set; }
    public required string Actual { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The API key id that sent it ("anonymous" when authentication is off); never the key.</summary>
    public string KeyId { get; set; } = FeedbackTrust.Anonymous;

    /// <summary>How much the sender's role is trusted (<see cref="FeedbackTrust"/>).</summary>
    public int Trust { get; set; }
}

/// <summary>Trust of a feedback sender: a labeler (or operator) outranks a consumer, a consumer an unauthenticated sender.</summary>
public static class FeedbackTrust
{
    public const string Anonymous = "anonymous";
    public const int None = 0;
    public const int Consumer = 1;
    public const int Labeler = 2;
}
