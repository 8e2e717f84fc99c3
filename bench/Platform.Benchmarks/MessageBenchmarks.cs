using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MassTransit.Serialization;
using Platform.Contracts;

namespace Platform.Benchmarks;

/// <summary>
/// The prediction log on the bus: a 500-row <see cref="PredictionsLogged"/> (iris-shaped rows: four numbers, a label, a
/// confidence) written and read with MassTransit's serializer options, as the gateway publishes it and Monitoring
/// consumes it. Per-row cost = the time / 500.
/// </summary>
[Config(typeof(BenchConfig.Short))]
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private PredictionsLogged _batch = null!;
    private byte[] _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var at = new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 500).Select(i => new LoggedPrediction(Guid.NewGuid(), at.AddMilliseconds(i),
            [Math.Round(4 + 4 * random.NextDouble(), 1), Math.Round(2 + 2 * random.NextDouble(), 1), Math.Round(1 + 6 * random.NextDouble(), 1), Math.Round(2.5 * random.NextDouble(), 1)],
            [], i % 3 == 0 ? "setosa" : "versicolor", (double)(float)random.NextDouble())).ToArray();
        _batch = new PredictionsLogged(Guid.NewGuid(), "iris", 1, "inference-1", ["sepal_length", "sepal_width", "petal_length", "petal_width"], [],
            rows, 0, rows[0].At, rows[^1].At);
        _json = Serialize();
    }

    [Benchmark(Description = "write 500 rows")]
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(_batch, SystemTextJsonMessageSerializer.Options);

    [Benchmark(Description = "read 500 rows")]
    public int Deserialize() => JsonSerializer.Deserialize<PredictionsLogged>(_json, SystemTextJsonMessageSerializer.Options)!.Predictions.Count;
}
