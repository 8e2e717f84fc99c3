using BenchmarkDotNet.Attributes;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Benchmarks;

/// <summary>
/// A training run per trainer on a synthetic regression of 1,000,000 rows × 10 features (PLATFORM_BENCH_TRAIN_ROWS
/// overrides the size, PLATFORM_BENCH_TRAINERS the trainers): what Training pays for that trainer — its grid cross-validated on 2 folds, the refit on the
/// training split, the ONNX export and the holdout evaluation. One measured invocation per trainer (BenchConfig.Single).
/// </summary>
[Config(typeof(BenchConfig.Single))]
public class TrainingBenchmarks
{
    private Table _data = null!;

    [ParamsSource(nameof(Trainers))]
    public string Trainer { get; set; } = "";

    /// <summary>Every regression trainer, or those named in PLATFORM_BENCH_TRAINERS (comma-separated).</summary>
    public static IEnumerable<string> Trainers =>
        Environment.GetEnvironmentVariable("PLATFORM_BENCH_TRAINERS") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ModelTrainer.TrainerNames(MlTask.Regression);

    public static int Rows => int.TryParse(Environment.GetEnvironmentVariable("PLATFORM_BENCH_TRAIN_ROWS"), out var rows) ? rows : 1_000_000;

    [GlobalSetup]
    public void Setup() => _data = SyntheticData.Regression(Rows, 10, seed: 11);

    [Benchmark]
    public TrainingResult Train() => ModelTrainer.Train(_data, new TrainingOptions("y", MlTask.Regression, Seed: 42, Folds: 2, Trainers: [Trainer]));
}
