using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Platform.Ml.Data.Profiling;

namespace Platform.Benchmarks;

/// <summary>
/// Profile throughput: <see cref="ProfileBuilder.Profile"/> over a generated CSV of 500,000 rows (ten numeric columns and
/// one categorical, about 40 MB), read from disk as Ingestion and Monitoring do. The MB/s column is the file size over the mean.
/// </summary>
[Config(typeof(ProfileConfig))]
public class ProfileBenchmarks
{
    public const int Rows = 500_000;
    private string _path = "";

    internal static long FileBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = SyntheticData.WriteCsv(Rows, seed: 5);
        FileBytes = new FileInfo(_path).Length;
    }

    [Benchmark]
    public DatasetProfile Profile_csv_500k_rows()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ProfileBuilder.Profile(stream);
    }

    private sealed class ProfileConfig : ManualConfig
    {
        public ProfileConfig()
        {
            Add(new BenchConfig.Short());
            AddColumn(new ThroughputColumn());
        }
    }

    /// <summary>Megabytes (10⁶ bytes) of CSV per second of mean time.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "MBps";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "CSV megabytes profiled per second (file size / mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? (FileBytes / 1e6 / (mean.Value / 1e9)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
