namespace Platform.Contracts;

/// <summary>
/// An Inference replica could not load a promoted version (download, hash check, ONNX session or warm-up failed)
/// and goes on serving <paramref name="ServedVersion"/> (null when it serves none of this model).
/// </summary>
public sealed record ModelLoadFailed(
    string ModelName,
    int Version,
    int? ServedVersion,
    string Replica,
    string Reason,
    DateTimeOffset At);
