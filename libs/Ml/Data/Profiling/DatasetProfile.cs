namespace Platform.Ml.Data.Profiling;

/// <summary>A summary of a dataset, column by column, computed in one pass with bounded memory by <see cref="ProfileBuilder"/>.</summary>
public sealed record DatasetProfile(long RowCount, IReadOnlyList<ColumnProfile> Columns);

/// <summary>
/// One column's summary. Which parts are present depends on the kind: numeric columns have the moments, quantiles and
/// histogram; boolean columns the moments of their 0/1 values and the counts of true and false; categorical columns
/// their most frequent values.
/// </summary>
/// <param name="Count">Non-missing values.</param>
/// <param name="Missing">Missing values (empty, NA, N/A, NaN, null).</param>
/// <param name="NonFinite">Of the numeric values, how many were ±infinity: counted, but left out of the statistics.</param>
/// <param name="Distinct">Distinct non-missing values (numbers compared as numbers, text as trimmed text).</param>
/// <param name="DistinctIsEstimate">True above 4,096 distinct values, where a HyperLogLog estimate (about ±1.6%, one standard error) replaces the exact count.</param>
/// <param name="Std">Sample standard deviation (n − 1 in the denominator, as pandas); null below two values.</param>
/// <param name="Quantiles">Exact (NumPy's linear interpolation) while the column has at most a few hundred values, then from a KLL sketch.</param>
/// <param name="QuantileRankError">0 when the quantiles are exact; otherwise the documented bound on the rank error (0.02: a reported p50 lies between the true p48 and p52).</param>
/// <param name="Histogram">Equal-width bins over [Min, Max], filled from the quantile sketch at the end of the pass (the range is only known then): exact counts when the quantiles are exact.</param>
/// <param name="TopCategories">Up to 20 most frequent values, by count.</param>
/// <param name="TopCategoriesAreExact">False when more than 256 distinct values were seen: counts are then lower bounds, short by at most Count / 257.</param>
public sealed record ColumnProfile(
    string Name,
    ColumnKind Kind,
    long Count,
    long Missing,
    long NonFinite,
    long Distinct,
    bool DistinctIsEstimate,
    double? Mean,
    double? Std,
    double? Min,
    double? Max,
    QuantileSummary? Quantiles,
    double? QuantileRankError,
    Histogram? Histogram,
    IReadOnlyList<CategoryFrequency>? TopCategories,
    bool? TopCategoriesAreExact);

public sealed record QuantileSummary(double P01, double P05, double P25, double P50, double P75, double P95, double P99)
{
    internal static readonly double[] Probabilities = [0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99];

    internal static QuantileSummary From(double[] q) => new(q[0], q[1], q[2], q[3], q[4], q[5], q[6]);
}

/// <summary>Bin i holds the values in [Edges[i], Edges[i + 1]); the last bin also holds Edges[^1] (the maximum).</summary>
public sealed record Histogram(IReadOnlyList<double> Edges, IReadOnlyList<long> Counts);

/// <param name="Fraction">Count divided by the column's non-missing values.</param>
public sealed record CategoryFrequency(string Value, long Count, double Fraction);
