using System.Globalization;
using System.Security.Claims;
using Platform.Contracts;
using Platform.Monitoring.Model;

namespace Platform.Monitoring;

/// <summary>What happened to a feedback item: the counter's "outcome" tag and the feedback response's fields.</summary>
public static class FeedbackOutcomes
{
    public const string Accepted = "accepted";
    public const string Replaced = "replaced";
    public const string Duplicate = "duplicate";
    public const string WrongType = "wrong_type";
    public const string Pending = "pending";
    public const string Unknown = "unknown";
    public const string Submitted = "submitted";
    public const string Rejected = "rejected";
}

/// <summary>Whether an actual value can be a training row's target for a model's task.</summary>
public static class FeedbackValues
{
    /// <summary>Regression needs a finite number; a classifier any non-empty label.</summary>
    public static bool Fits(string task, string actual) => task == TaskNames.Regression
        ? double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
        : !string.IsNullOrWhiteSpace(actual);
}

/// <summary>
/// Who sent feedback: the authenticated key's id and how far its role is trusted. Read from the request's principal
/// (the API-key handler's claims), so it needs nothing from the authentication code but the claims it sets; with
/// authentication off the sender is "anonymous" with the lowest trust.
/// </summary>
public static class FeedbackSender
{
    /// <summary>Claim types an authentication handler may carry the key id in, most specific first.</summary>
    private static readonly string[] KeyIdClaims = ["api_key_id", "key_id", ClaimTypes.NameIdentifier, ClaimTypes.Name];

    public static (string KeyId, int Trust) Of(ClaimsPrincipal user)
    {
        var keyId = KeyIdClaims.Select(type => user.FindFirst(type)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? FeedbackTrust.Anonymous;
        var trust = user.IsInRole("labeler") || user.IsInRole("operator") ? FeedbackTrust.Labeler
            : user.IsInRole("consumer") ? FeedbackTrust.Consumer
            : FeedbackTrust.None;
        return (keyId.Length > 128 ? keyId[..128] : keyId, trust);
    }
}
