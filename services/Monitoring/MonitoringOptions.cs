using System.ComponentModel.DataAnnotations;

namespace Platform.Monitoring;

public sealed class MonitoringOptions
{
    /// <summary>Rows in a count-based window: a drift check runs each time this many live rows arrived.</summary>
    [Range(10, 1_000_000)]
    public int WindowRows { get; set; } = 1000;

    /// <summary>A time-based window closes when its oldest row is this old, if it holds at least <see cref="MinWindowRows"/>.</summary>
    public TimeSpan MaxWindowAge { get; set; } = TimeSpan.FromHours(1);

    [Range(10, 1_000_000)]
    public int MinWindowRows { get; set; } = 200;

    /// <summary>
    /// How often the sweeper looks for time-based windows that are due (a quiet model receives no batch that would
    /// trigger the check) and deletes logged outputs past their retention.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows of training data kept as the reference (a seeded sample when the dataset is larger).</summary>
    [Range(100, 1_000_000)]
    public int ReferenceRows { get; set; } = 5000;

    /// <summary>
    /// Dataset drift when at least this share of features drifted. 0.3 follows the course material the platform is
    /// built on; Evidently's default is 0.5.
    /// </summary>
    [Range(0.0, 1.0)]
    public double DriftedShareThreshold { get; set; } = 0.3;

    /// <summary>Categories kept per categorical feature in a window's histogram (the rarer ones share an "(other)" bar).</summary>
    public int HistogramCategories { get; set; } = 10;

    /// <summary>After a DriftDetected for a version, no second one for that version until this has passed (or a new version is promoted).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many DriftDetected (hence retrains) per model in 24 hours.</summary>
    [Range(1, 1000)]
    public int MaxRetrainsPerDay { get; set; } = 6;

    /// <summary>Predictions with feedback (actual values) in one live-quality window.</summary>
    [Range(10, 1_000_000)]
    public int QualityWindowRows { get; set; } = 200;

    /// <summary>
    /// Concept drift when live quality is worse than the version's holdout quality by more than this share of it:
    /// live RMSE &gt; holdout RMSE × (1 + margin), or live accuracy &lt; holdout accuracy × (1 − margin).
    /// </summary>
    [Range(0.0, 10.0)]
    public double QualityMargin { get; set; } = 0.2;

    /// <summary>A classifier's window whose mean top-class probability is this much below the version's first window is reported as a confidence drop.</summary>
    [Range(0.0, 1.0)]
    public double ConfidenceDropMargin { get; set; } = 0.1;

    /// <summary>Logged outputs and feedback older than this are deleted: feedback arriving later is not joined any more.</summary>
    public TimeSpan OutputRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Labelled rows (a logged prediction with its actual value) are submitted to Ingestion, appended to the model's
    /// dataset, once this many wait, or once the oldest has waited <see cref="LabelledBatchMaxAge"/>: fewer, larger
    /// dataset versions than one per feedback request.
    /// </summary>
    [Range(1, 100_000)]
    public int LabelledBatchRows { get; set; } = 250;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LabelledBatchMaxAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many rows per submission (and never more than the bus's inline limit of 1 MiB of CSV).</summary>
    [Range(1, 1_000_000)]
    public int MaxSubmissionRows { get; set; } = 5000;

    /// <summary>A submission without an answer from Ingestion after this long is sent again (same id: stored once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SubmissionRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest actual value accepted (characters): a label, not a document.</summary>
    [Range(1, 10_000)]
    public int MaxActualLength { get; set; } = 256;

    public int Seed { get; set; } = 42;

    /// <summary>Where the Registry answers (its production versions are what references are reconciled with).</summary>
    [Required]
    public Uri RegistryUrl { get; set; } = new("http://registry");

    /// <summary>
    /// How often references are reconciled with the Registry's production versions, and the least time between two
    /// on-demand checks of one model (a batch from a version without a reference): 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
}
