using System.Security.Cryptography;

namespace Platform.ServiceDefaults;

public static class VerifiedDownloads
{
    /// <summary>
    /// Downloads content announced by an event (a claim check) and refuses it unless its SHA-256 is the announced one,
    /// so a truncated or replaced file never becomes a dataset version, a model version or a served model.
    /// </summary>
    public static async Task<byte[]> GetVerifiedBytesAsync(this HttpClient http, Uri uri, string expectedSha256, CancellationToken cancellationToken)
    {
        var bytes = await http.GetByteArrayAsync(uri, cancellationToken);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The content at {uri} has SHA-256 {actual}, expected {expectedSha256}.");
        return bytes;
    }
}
