using BenchmarkDotNet.Attributes;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Benchmarks;

/// <summary>
/// ONNX Runtime latency per model family through <see cref="OnnxScorer.Score"/> (what Inference calls): one row, and a
/// batch of 1,000. The models are trained in the setup on 5,000 synthetic rows; scoring cost depends on the model's
/// shape (a linear model, 100–200 boosted trees, a forest), not on how many rows it was trained on.
/// </summary>
[Config(typeof(BenchConfig.Short))]
public class ScoringBenchmarks
{
    private OnnxScorer _scorer = null!;
    private Table _one = null!;
    private Table _thousand = null!;

    [Params("sdca", "fasttree", "fastforest", "lightgbm")]
    public string Trainer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var training = SyntheticData.Regression(5_000, 10, seed: 3);
        var result = ModelTrainer.Train(training, new TrainingOptions("y", MlTask.Regression, Folds: 2, Trainers: [Trainer]));
        _scorer = OnnxScorer.Load(result.OnnxModel);
        var rows = SyntheticData.Regression(1_000, 10, seed: 4, withTarget: false);
        _thousand = rows;
        _one = rows.SelectRows([0]);
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark]
    public ScoreResult Score_1_row() => _scorer.Score(_one);

    [Benchmark]
    public ScoreResult Score_1000_rows() => _scorer.Score(_thousand);
}
