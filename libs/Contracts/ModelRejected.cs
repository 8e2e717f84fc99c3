namespace Platform.Contracts;

/// <summary>The gate kept the current champion: version <paramref name="Version"/> is registered but not served.</summary>
public sealed record ModelRejected(
    string ModelName,
    int Version,
    Guid RunId,
    int? ChampionVersion,
    string PrimaryMetric,
    double HoldoutMetric,
    double? ChampionHoldoutMetric,
    string Reason,
    DateTimeOffset RejectedAt);
