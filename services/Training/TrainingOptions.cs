using System.ComponentModel.DataAnnotations;

namespace Platform.Training;

public sealed class TrainingOptions
{
    /// <summary>Folder where each run keeps model.onnx, model.zip (ML.NET) and run.json.</summary>
    [Required]
    public string ArtifactsPath { get; set; } = "data/training";

    /// <summary>Base address other services use to download artifacts (service-discovery name by default).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://training");

    /// <summary>Where the Registry answers, to find the champion to evaluate on the same holdout.</summary>
    [Required]
    public Uri RegistryUrl { get; set; } = new("http://registry");

    /// <summary>Where Ingestion answers, to find dataset versions that have no run yet (reconciliation).</summary>
    [Required]
    public Uri IngestionUrl { get; set; } = new("http://ingestion");

    public int Seed { get; set; } = 42;

    [Range(0.05, 0.5)]
    public double TestFraction { get; set; } = 0.2;

    [Range(2, 20)]
    public int Folds { get; set; } = 5;

    /// <summary>
    /// Repeats of the k-fold cross-validation with new shuffles (<c>Training:Repeats</c>); null (the default) chooses by
    /// data size: up to 3 below 400 training rows, where one split's fold noise decides between close candidates, else 1.
    /// 1 is plain k-fold (what the test platforms set, to keep them fast).
    /// </summary>
    [Range(1, 10)]
    public int? Repeats { get; set; }

    /// <summary>
    /// Wall-clock limit on one run's model search (<c>Training:TimeBudget</c>, e.g. "00:10:00"): when it runs out the best
    /// candidate that finished wins, or the run fails with the reason if none did. Refitting and exporting come after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The search budget of a drift's first retrain (<c>Training:DriftTimeBudget</c>), when shorter than <see cref="TimeBudget"/>:
    /// it replaces a version known to be wrong on the world as it is now, so a good model soon is worth more than a slightly
    /// better one later; every family is tried in the first round of the search, and the follow-ups on more rows
    /// (<c>DataPolicy:FollowUpGrowth</c>) search with the full budget.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DriftTimeBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Candidate trainers (names from the ML core); empty means all for the task.</summary>
    public List<string> Trainers { get; set; } = [];
}
