using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Platform.Inference;
using Platform.Inference.Apis;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Benchmarks.Inference;

/// <summary>
/// The Inference request path in process, without HTTP: validating a <c>{"instances":[…]}</c> body against the
/// signature into a pooled batch and scoring it (pre-allocated OrtValues), then also writing the JSON response; beside
/// it the general path (a <see cref="Table"/> through <see cref="OnnxScorer.Score"/>, new tensors per call). Model: the
/// platform's own iris classifier trained in the setup (BENCH_TRAINER, default lightgbm: 100 rounds × 3 classes).
/// Per-row cost = the 100-row time / 100.
/// </summary>
[Config(typeof(BenchConfig.Short))]
[MemoryDiagnoser]
public class InferencePathBenchmarks
{
    private ServedModel _model = null!;
    private PredictionLog _log = null!;
    private PredictionLog _keptLog = null!;
    private readonly List<LoggedRow> _drained = [];
    private readonly string _spools = Path.Combine(Path.GetTempPath(), "platform-bench-spool-" + Guid.NewGuid().ToString("N"));

    private string SpoolFolder(string name) => Path.Combine(_spools, name);
    private ScoringBatch _filled = null!;
    private byte[] _twoPassBody = null!;
    private byte[] _one = null!;
    private byte[] _hundred = null!;
    private Table _oneRow = null!;
    private Table _hundredRows = null!;

    [Params(1, 100)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var iris = CsvTableReader.Read(IrisPath());
        var trainer = Environment.GetEnvironmentVariable("BENCH_TRAINER") ?? "lightgbm";
        var trained = ModelTrainer.Train(iris, new TrainingOptions("species", MlTask.Multiclass, Folds: 2, Trainers: [trainer]));
        _model = new ServedModel("iris", 1, DateTimeOffset.UtcNow, OnnxScorer.Load(trained.OnnxModel));
        // A one-row buffer: the benchmark measures the request path, so logged rows are sampled away and counted.
        _log = new PredictionLog(Options.Create(new InferenceOptions { LogBufferRows = 1, LogSpoolPath = SpoolFolder("sampled") }));
        // A roomy buffer, drained (and acknowledged to its spool) after every call: every row is logged and journalled,
        // as on a gateway whose publisher keeps up.
        _keptLog = new PredictionLog(Options.Create(new InferenceOptions { LogBufferRows = 1_000_000, LogSpoolPath = SpoolFolder("kept") }));

        var features = iris.WithoutColumn("species");
        string Instance(int row) => "{" + string.Join(",", features.Columns.Select(c =>
            $"\"{c.Name}\":{c.Numbers![row].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")) + "}";
        _one = Encoding.UTF8.GetBytes($"{{\"instances\":[{Instance(0)}]}}");
        _hundred = Encoding.UTF8.GetBytes($"{{\"instances\":[{string.Join(",", Enumerable.Range(0, 100).Select(Instance))}]}}");
        _hundredRows = features.SelectRows(Enumerable.Range(0, 100).ToArray());
        _oneRow = features.SelectRows([0]);
        // The same instances after an extra object: the one-pass read finds one brace too many and the two passes read it.
        _twoPassBody = [.. "{\"parameters\":{},"u8, .. Body.AsSpan(1)];
        // Scoring reads the batch's inputs and overwrites its outputs: one filled batch serves the per-stage benchmarks.
        _filled = InstanceReader.Read(Body, _model, 1000, UnknownFieldPolicy.Reject, new Rejections()) ?? throw new InvalidOperationException("rejected");
        _filled.Score();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _filled.Dispose();
        _model.Retire();
        _log.Dispose();
        _keptLog.Dispose();
        Directory.Delete(_spools, recursive: true);
    }

    private byte[] Body => Rows == 1 ? _one : _hundred;

    [Benchmark(Baseline = true, Description = "general path: Score(Table)")]
    public ScoreResult Score_table() => _model.Scorer.Score(Rows == 1 ? _oneRow : _hundredRows);

    [Benchmark(Description = "stage: validate into the batch")]
    public int Validate_only()
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(Body, _model, 1000, UnknownFieldPolicy.Reject, rejections) ?? throw new InvalidOperationException("rejected");
        return batch.Rows;
    }

    [Benchmark(Description = "stage: validate, two passes (braces do not count the instances)")]
    public int Validate_two_passes()
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(_twoPassBody, _model, 1000, UnknownFieldPolicy.Reject, rejections) ?? throw new InvalidOperationException("rejected");
        return batch.Rows;
    }

    [Benchmark(Description = "stage: score a filled batch")]
    public float Score_only()
    {
        _filled.Score();
        return _filled.Probabilities(0)[0];
    }

    [Benchmark(Description = "stage: write JSON + log every row")]
    public int Write_and_log()
    {
        using var response = PredictionWriter.WritePredictions(_model, ScoredRows.Own(_filled), _keptLog);
        while (_keptLog.Reader.TryRead(out var row)) _drained.Add(row);
        _keptLog.Acknowledge(_drained);
        _drained.Clear();
        return response.WrittenMemory.Length;
    }

    [Benchmark(Description = "validate + score (fast path)")]
    public string Validate_and_score()
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(Body, _model, 1000, UnknownFieldPolicy.Reject, rejections) ?? throw new InvalidOperationException("rejected");
        batch.Score();
        return batch.Label(0);
    }

    [Benchmark(Description = "validate + score + write JSON")]
    public int Validate_score_and_write()
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(Body, _model, 1000, UnknownFieldPolicy.Reject, rejections) ?? throw new InvalidOperationException("rejected");
        batch.Score();
        using var response = PredictionWriter.WritePredictions(_model, ScoredRows.Own(batch), _log);
        return response.WrittenMemory.Length;
    }

    [Benchmark(Description = "validate + score + write JSON + log every row")]
    public int Validate_score_write_and_log()
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(Body, _model, 1000, UnknownFieldPolicy.Reject, rejections) ?? throw new InvalidOperationException("rejected");
        batch.Score();
        using var response = PredictionWriter.WritePredictions(_model, ScoredRows.Own(batch), _keptLog);
        while (_keptLog.Reader.TryRead(out var row)) _drained.Add(row);
        _keptLog.Acknowledge(_drained);
        _drained.Clear();
        return response.WrittenMemory.Length;
    }

    private static string IrisPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PLATFORM_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.Combine(fromEnvironment, "iris.csv");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "iris.csv");
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException("data/iris.csv not found in the repository; set PLATFORM_SHARED_DATA.");
    }
}
