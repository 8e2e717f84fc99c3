namespace Platform.Monitoring.Model;

/// <summary>The check of one closed window, kept whether or not it drifted: a data window (inputs) or a quality window (feedback).</summary>
public sealed class WindowReport
{
    public Guid Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }

    /// <summary>"data" (live inputs against the training data) or "concept" (live quality against holdout quality).</summary>
    public string Kind { get; set; } = "data";

    public int Rows { get; set; }
    public DateTimeOffset WindowFrom { get; set; }
    public DateTimeOffset WindowTo { get; set; }

    /// <summary>Data: the share of drifted features. Concept: the relative degradation of live quality against holdout.</summary>
    public double DriftedShare { get; set; }

    /// <summary>Data: the drifted-share threshold. Concept: the quality margin.</summary>
    public double Threshold { get; set; }

    /// <summary>Whether the window drifted (before the storm guard had its say).</summary>
    public bool DatasetDrift { get; set; }

    /// <summary>Whether a DriftDetected went out; false with <see cref="Decision"/> saying why (no drift, cooldown, daily cap).</summary>
    public bool EventPublished { get; set; }

    public required string Decision { get; set; }
    public required string FeaturesJson { get; set; }

    /// <summary>Data windows: each feature's reference and window shares on the PSI bins (null for concept windows and older reports).</summary>
    public List<FeatureHistogram>? Histograms { get; set; }

    /// <summary>Concept windows: "rmse" or "accuracy", its live value and the version's holdout value.</summary>
    public string? QualityMetric { get; set; }
    public double? LiveQuality { get; set; }
    public double? HoldoutQuality { get; set; }

    /// <summary>Data windows of classifiers: the mean top-class probability, and whether it dropped below the version's first window's.</summary>
    public double? MeanConfidence { get; set; }
    public bool ConfidenceDrop { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
