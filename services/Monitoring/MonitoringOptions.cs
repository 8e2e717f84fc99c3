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

    /// <summary>Rows of training data kept as the reference (a seeded sample when the dataset is larger).</summary>
    [Range(100, 1_000_000)]
    public int ReferenceRows { get; set; } = 5000;

    /// <summary>
    /// Dataset drift when at least this share of features drifted. 0.3 follows the course material the platform is
    /// built on; Evidently's default is 0.5.
    /// </summary>
    [Range(0.0, 1.0)]
    public double DriftedShareThreshold { get; set; } = 0.3;

    /// <summary>After a DriftDetected for a version, no second one for that version until this has passed (or a new version is promoted).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many DriftDetected (hence retrains) per model in 24 hours.</summary>
    [Range(1, 1000)]
    public int MaxRetrainsPerDay { get; set; } = 6;

    public int Seed { get; set; } = 42;
}
