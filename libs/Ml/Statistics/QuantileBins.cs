namespace Platform.Ml.Statistics;

/// <summary>
/// Bins defined by a reference sample's quantiles, shared by PSI and the binned Jensen–Shannon distance.
/// The interior edges are the reference's quantiles at 1/b, …, (b−1)/b (NumPy's default 'linear' interpolation), with
/// duplicates removed (heavily tied data yields fewer bins). Bin i holds edge[i−1] &lt; v ≤ edge[i]; the outer bins are open,
/// so current values beyond the reference's range land in the first or last bin rather than being lost.
/// </summary>
public sealed class QuantileBins
{
    private readonly double[] _edges;

    private QuantileBins(double[] edges) => _edges = edges;

    /// <summary>The interior edges, ascending and distinct.</summary>
    public IReadOnlyList<double> Edges => _edges;

    public int Count => _edges.Length + 1;

    /// <param name="sortedReference">The reference sample sorted ascending, without NaN.</param>
    /// <param name="bins">The number of quantile bins before duplicates are merged (at least 2).</param>
    public static QuantileBins FromSortedReference(ReadOnlySpan<double> sortedReference, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (sortedReference.IsEmpty) throw new ArgumentException("The reference sample is empty.", nameof(sortedReference));
        var edges = new List<double>(bins - 1);
        var step = 1.0 / bins; // np.linspace(0, 1, bins + 1) computes i * step
        for (var i = 1; i < bins; i++)
        {
            var edge = Quantile(sortedReference, i * step);
            if (edges.Count == 0 || edge > edges[^1]) edges.Add(edge);
        }

        return new QuantileBins(edges.ToArray());
    }

    /// <summary>Counts per bin of a sample (NaN skipped).</summary>
    public double[] Counts(ReadOnlySpan<double> values)
    {
        var counts = new double[Count];
        foreach (var value in values)
        {
            if (double.IsNaN(value)) continue;
            counts[BinOf(value)]++;
        }

        return counts;
    }

    /// <summary>The number of edges strictly below the value (NumPy's searchsorted side="left").</summary>
    private int BinOf(double value)
    {
        int lo = 0, hi = _edges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_edges[mid] < value) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    /// <summary>NumPy's 'linear' quantile, including its rounding: (n−1)q, then a lerp from the nearer end.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var virtualIndex = (sorted.Length - 1) * q;
        var previous = (int)Math.Floor(virtualIndex);
        var next = Math.Min(previous + 1, sorted.Length - 1);
        var gamma = virtualIndex - previous;
        double a = sorted[previous], b = sorted[next];
        var diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }
}
