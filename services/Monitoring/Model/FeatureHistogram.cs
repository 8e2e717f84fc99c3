namespace Platform.Monitoring.Model;

/// <summary>
/// One feature's distribution in the reference and in a closed window, on the same bins: for a numeric feature the
/// reference quantile bins PSI uses (<see cref="Edges"/> are the interior edges, so there is one bin more than edges;
/// the outer bins are open), for a categorical one its most frequent categories (<see cref="Categories"/>, the last
/// one "(other)" when more were seen). Shares of each side sum to 1 (0 when a side had no values).
/// </summary>
public sealed record FeatureHistogram(
    string Feature, string Kind, double[]? Edges, string[]? Categories, double[] ReferenceShares, double[] CurrentShares);
