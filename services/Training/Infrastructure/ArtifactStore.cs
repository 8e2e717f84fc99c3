using Microsoft.Extensions.Options;

namespace Platform.Training.Infrastructure;

/// <summary>
/// A run's files: model.onnx (what is served), model.zip (the ML.NET model), run.json (everything to reproduce it) and
/// model-trained.json (the ModelTrained it published, for the Registry's reconciliation).
/// </summary>
public sealed class ArtifactStore(IOptions<TrainingOptions> options)
{
    public const string ModelTrainedFile = "model-trained.json";
    public static readonly string[] FileNames = ["model.onnx", "model.zip", "run.json", ModelTrainedFile];
    private readonly string _root = Path.GetFullPath(options.Value.ArtifactsPath);

    public async Task SaveAsync(Guid runId, string fileName, byte[] content, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, runId.ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content, cancellationToken);
    }

    public string? Find(Guid runId, string fileName)
    {
        if (!FileNames.Contains(fileName)) return null;
        var path = Path.Combine(_root, runId.ToString("N"), fileName);
        return File.Exists(path) ? path : null;
    }

    public Uri UriOf(Guid runId, string fileName) => new(options.Value.PublicBaseUrl, $"runs/{runId}/artifacts/{fileName}");
}
