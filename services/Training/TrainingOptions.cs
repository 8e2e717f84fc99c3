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

    public int Seed { get; set; } = 42;

    [Range(0.05, 0.5)]
    public double TestFraction { get; set; } = 0.2;

    [Range(2, 20)]
    public int Folds { get; set; } = 5;

    /// <summary>Candidate trainers (names from the ML core); empty means all for the task.</summary>
    public List<string> Trainers { get; set; } = [];
}
