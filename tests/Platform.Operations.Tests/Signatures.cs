using System.Security.Cryptography;
using System.Text;

namespace Platform.Operations.Tests;

/// <summary>What a receiver does with a delivery: recompute the HMAC-SHA256 of "{timestamp}.{body}" and compare in constant time.</summary>
public static class Signatures
{
    public static bool Verify(WebhookReceiver.Delivery delivery, string secret)
    {
        if (delivery.Timestamp is null || delivery.Signature is null || !delivery.Signature.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        var signed = Encoding.UTF8.GetBytes(delivery.Timestamp + ".").Concat(delivery.Body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(delivery.Signature["sha256=".Length..]));
    }
}
