using System.ComponentModel.DataAnnotations;

namespace Platform.Inference;

public enum UnknownFieldPolicy
{
    /// <summary>A field the model does not take is a 400: a typo must not pass silently.</summary>
    Reject,
    Ignore,
}

public sealed class InferenceOptions
{
    [Required]
    public Uri RegistryUrl { get; set; } = new("http://registry");

    [Range(1, 100_000)]
    public int MaxBatchRows { get; set; } = 1000;

    public UnknownFieldPolicy UnknownFields { get; set; } = UnknownFieldPolicy.Reject;

    /// <summary>Prediction log: rows buffered before the logger starts dropping (and counting) them.</summary>
    [Range(1, 10_000_000)]
    public int LogBufferRows { get; set; } = 50_000;

    [Range(1, 100_000)]
    public int LogBatchRows { get; set; } = 500;

    public TimeSpan LogFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>This replica's name in logged predictions.</summary>
    public string Replica { get; set; } = Environment.MachineName;
}
