using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Training;

/// <summary>
/// The model's production version as the Registry has it, its ONNX downloaded (hash-checked) once per run: the data
/// policy reads the champion's errors on the rows since a drift before training, the champion evaluator scores it on the
/// holdouts after, and both see the same version.
/// </summary>
public sealed class ChampionArtifact(IHttpClientFactory factory, IOptions<TrainingOptions> options)
{
    public sealed record Champion(int Version, byte[] Onnx);

    private readonly HttpClient _http = factory.CreateClient(nameof(ChampionArtifact));
    private Task<Champion?>? _champion;

    /// <returns>Null when the model has no production version (or is unknown to the Registry).</returns>
    public Task<Champion?> GetAsync(string modelName, CancellationToken cancellationToken) => _champion ??= LoadAsync(modelName, cancellationToken);

    private async Task<Champion?> LoadAsync(string modelName, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(options.Value.RegistryUrl, $"models/{Uri.EscapeDataString(modelName)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();

        var model = await response.Content.ReadFromJsonAsync<RegisteredModel>(cancellationToken);
        var champion = model?.Versions.FirstOrDefault(v => v.Version == model.ProductionVersion);
        if (champion is null) return null;
        return new Champion(champion.Version, await _http.GetVerifiedBytesAsync(champion.ArtifactUri, champion.ArtifactSha256, cancellationToken));
    }

    private sealed record RegisteredModel(string Name, int? ProductionVersion, List<RegisteredVersion> Versions);

    private sealed record RegisteredVersion(int Version, Uri ArtifactUri, string ArtifactSha256);
}
