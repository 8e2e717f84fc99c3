using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.Registry;

public sealed class RegistryOptions
{
    [Required]
    public string ArtifactsPath { get; set; } = "data/registry";

    /// <summary>Base address Inference downloads artifacts from (service-discovery name by default).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://registry");

    /// <summary>Where the Registry asks Training about the run an event names (service-discovery name by default).</summary>
    [Required]
    public Uri TrainingUrl { get; set; } = new("http://training");

    /// <summary>
    /// The absolute floor a first version must reach on its primary metric, by metric name. A metric without a floor
    /// promotes its first version unconditionally. Defaults: a regressor must explain some variance, a classifier
    /// must beat a coin.
    /// </summary>
    public Dictionary<string, double> Floors { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["r2"] = 0.1,
        ["auc"] = 0.6,
        ["macro_accuracy"] = 0.5,
    };

    /// <summary>How much a challenger must beat the champion by, on the same holdout, to be promoted (0: strictly better).</summary>
    [Range(0, double.MaxValue)]
    public double Margin { get; set; }

    /// <summary>The rule for challengers judged on the newest rows (<see cref="Gate.PromotionPolicy"/>).</summary>
    [Required]
    public GateOptions Gate { get; set; } = new();

    /// <summary>How the Registry converges with Training's succeeded runs (<see cref="Reconciliation.RunReconciler"/>).</summary>
    [Required]
    [ValidateObjectMembers]
    public ReconcileOptions Reconcile { get; set; } = new();

    /// <summary>
    /// Test-only: how long the <c>ModelTrained</c> consumer holds each event before registering it, so that a fault
    /// test can stop the process between "Training's run succeeded" and "the Registry registered it". Zero (the
    /// default) everywhere else.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ConsumeDelay { get; set; } = TimeSpan.Zero;
}

/// <summary><c>Registry:Reconcile</c>: the pass that registers succeeded runs whose <c>ModelTrained</c> never arrived.</summary>
public sealed class ReconcileOptions
{
    /// <summary>Time between passes; the first runs once the host has started.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A run whose registration failed (its artifact no longer matches, Training reports it otherwise) is tried again
    /// after one interval, then after twice as long each time, up to this: never in a hot loop.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// After the full pass at start-up, a pass lists only the runs that succeeded since the previous pass began, less
    /// this much: it covers the two hosts' clocks disagreeing and a run whose finish time was set a moment before it
    /// was committed. A run still waiting for a retry holds the watermark back to its own finish time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan WatermarkOverlap { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The paired bootstrap on the gate's holdout of newest rows (<c>Registry:Gate</c>).</summary>
public sealed class GateOptions
{
    /// <summary>Below this many rows the holdout is too small to judge by; the gate falls back to the primary metric.</summary>
    [Range(10, 1_000_000)]
    public int MinHoldoutRows { get; set; } = 50;

    [Range(100, 100_000)]
    public int Resamples { get; set; } = 1000;

    /// <summary>How sure the gate must be that the challenger is better: the improvement's lower quantile at 1 − this must exceed the margin.</summary>
    [Range(0.5, 0.999)]
    public double Confidence { get; set; } = 0.95;

    /// <summary>The improvement required beyond chance, as a share of the champion's value (0: better at all).</summary>
    [Range(0.0, 1.0)]
    public double RelativeMargin { get; set; }

    public int Seed { get; set; } = 42;
}
