using Microsoft.Extensions.Options;

namespace Platform.Registry.Infrastructure;

/// <summary>The Registry's own copy of every version's ONNX artifact, so serving never depends on Training's disk.</summary>
public sealed class ArtifactStore(IOptions<RegistryOptions> options)
{
    private readonly string _root = Path.GetFullPath(options.Value.ArtifactsPath);

    public string PathOf(string modelName, int version) => Path.Combine(_root, modelName, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx");

    public async Task SaveAsync(string modelName, int version, byte[] content, CancellationToken cancellationToken)
    {
        var path = PathOf(modelName, version);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, cancellationToken);
    }

    public Uri UriOf(string modelName, int version) =>
        new(options.Value.PublicBaseUrl, $"models/{Uri.EscapeDataString(modelName)}/versions/{version}/artifact");
}
