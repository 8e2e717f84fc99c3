using BenchmarkDotNet.Attributes;
using Platform.Ml.Data;
using Platform.Ml.Drift;
using Platform.Ml.Statistics;

namespace Platform.Benchmarks;

/// <summary>
/// The drift check against SciPy (bench/statistics/scipy_ks.py does the same work with <c>scipy.stats.ks_2samp</c>):
/// the reference is N(0, 1), the current data N(0.02, 1) — a small drift, so the p-value computation is not trivially 0 or 1.
/// Each KS call sorts its inputs, as ks_2samp does.
/// </summary>
[Config(typeof(BenchConfig.Short))]
public class DriftBenchmarks
{
    private const int Features = 10;
    private const int Rows = 100_000;
    private const int LargeRows = 1_000_000;

    private Table _reference = null!;
    private Table _current = null!;
    private double[] _largeReference = null!;
    private double[] _largeCurrent = null!;

    [GlobalSetup]
    public void Setup()
    {
        _reference = new Table(Enumerable.Range(0, Features).Select(f => TableColumn.Numeric($"f{f}", SyntheticData.Normal(Rows, 100 + f))).ToArray());
        _current = new Table(Enumerable.Range(0, Features).Select(f => TableColumn.Numeric($"f{f}", SyntheticData.Normal(Rows, 200 + f, 0.02))).ToArray());
        _largeReference = SyntheticData.Normal(LargeRows, 1);
        _largeCurrent = SyntheticData.Normal(LargeRows, 2, 0.02);
    }

    /// <summary>Like for like with SciPy: ten two-sample KS tests of 100,000 vs 100,000 values.</summary>
    [Benchmark]
    public double Ks_10_features_100k_vs_100k()
    {
        var sum = 0.0;
        foreach (var column in _reference.Columns) sum += KolmogorovSmirnov.Test(column.Numbers, _current[column.Name].Numbers).PValue;
        return sum;
    }

    /// <summary>What Monitoring runs per window: KS plus PSI, Wasserstein, Jensen–Shannon and Benjamini–Hochberg.</summary>
    [Benchmark]
    public DriftReport DriftAnalyzer_10_features_100k_vs_100k() => DriftAnalyzer.Analyze(_reference, _current, new DriftOptions());

    [Benchmark]
    public KsResult Ks_1_feature_1M_vs_1M() => KolmogorovSmirnov.Test(_largeReference, _largeCurrent);
}
