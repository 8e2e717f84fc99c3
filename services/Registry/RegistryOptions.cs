using System.ComponentModel.DataAnnotations;

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
}
