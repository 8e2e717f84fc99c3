namespace Platform.OperatorConsole.Serving;

/// <summary>Requests, errors and latency percentiles of one served model version, from the latency histogram.</summary>
public sealed record ServingRow(string Model, string Version, double Requests, double Errors, double P50, double P95, double P99, double? RequestsPerSecond)
{
    public double ErrorRate => Requests > 0 ? Errors / Requests : 0;
}

/// <summary>
/// Reads Inference's <c>platform_inference_request_duration_milliseconds</c> histogram (per model, version and
/// outcome) into rows. The rate is measured between two looks at the page (the counters count since start-up), so
/// the console keeps the previous sample.
/// </summary>
public sealed class ServingStats(TimeProvider clock)
{
    public const string Histogram = "platform_inference_request_duration_milliseconds";
    private readonly Lock _lock = new();
    private (DateTimeOffset At, Dictionary<(string, string), double> Counts)? _previous;

    public IReadOnlyList<ServingRow> Read(string metricsText)
    {
        var samples = PrometheusText.Parse(metricsText).ToList();
        var buckets = samples.Where(s => s.Name == Histogram + "_bucket").ToList();
        var counts = samples.Where(s => s.Name == Histogram + "_count").ToList();
        var now = clock.GetUtcNow();
        var rows = new List<ServingRow>();
        var totals = new Dictionary<(string, string), double>();
        foreach (var group in counts.GroupBy(s => (Label(s, "model"), Label(s, "version"))))
        {
            var requests = group.Sum(s => s.Value);
            var errors = group.Where(s => Label(s, "outcome") is not ("ok" or "")).Sum(s => s.Value);
            var merged = buckets.Where(b => Label(b, "model") == group.Key.Item1 && Label(b, "version") == group.Key.Item2)
                .GroupBy(b => Le(b)).OrderBy(g => g.Key).Select(g => (Le: g.Key, Count: g.Sum(b => b.Value))).ToList();
            totals[group.Key] = requests;
            double? rate = null;
            lock (_lock)
            {
                if (_previous is { } p && p.Counts.TryGetValue(group.Key, out var before) && now > p.At)
                    rate = Math.Max(0, requests - before) / (now - p.At).TotalSeconds;
            }

            rows.Add(new ServingRow(group.Key.Item1, group.Key.Item2, requests, errors,
                Quantile(merged, 0.50), Quantile(merged, 0.95), Quantile(merged, 0.99), rate));
        }

        lock (_lock) _previous = (now, totals);
        return rows.OrderBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ToList();
    }

    private static string Label(PrometheusSample s, string name) => s.Labels.TryGetValue(name, out var v) ? v : "";

    private static double Le(PrometheusSample s) =>
        s.Labels.TryGetValue("le", out var le) && le != "+Inf" && double.TryParse(le, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.PositiveInfinity;

    /// <summary>As Prometheus's histogram_quantile: linear within the bucket the rank falls in; the last finite bound when it falls in +Inf.</summary>
    public static double Quantile(IReadOnlyList<(double Le, double Count)> cumulative, double q)
    {
        if (cumulative.Count == 0 || cumulative[^1].Count <= 0) return double.NaN;
        var rank = q * cumulative[^1].Count;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (le, count) in cumulative)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return lowerBound;
                return count == lowerCount ? le : lowerBound + (le - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }

            (lowerBound, lowerCount) = (le, count);
        }

        return lowerBound;
    }
}
