using System.Security.Cryptography;

namespace Platform.Registry;

public sealed class ArtifactDownloader(HttpClient http)
{
    /// <summary>Downloads an artifact and refuses it unless its SHA-256 is the one the event announced.</summary>
    public async Task<byte[]> DownloadAsync(Uri uri, string expectedSha256, CancellationToken cancellationToken)
    {
        var bytes = await http.GetByteArrayAsync(uri, cancellationToken);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Artifact at {uri} has SHA-256 {actual}, expected {expectedSha256}.");
        return bytes;
    }
}
