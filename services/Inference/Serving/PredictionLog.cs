using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>One served row, as Monitoring will see it.</summary>
public sealed record PredictionRecord(string Model, int Version, IReadOnlyList<string> NumericFeatures, IReadOnlyList<string> CategoricalFeatures, LoggedPrediction Prediction);

/// <summary>
/// The hot path's only contact with logging: a bounded in-memory buffer that never waits. Below half full every row
/// is kept; above it (the publisher is falling behind: a slow or absent broker) one row in
/// <see cref="InferenceOptions.LogSampleEvery"/> is kept, so Monitoring still sees a sample of the traffic; when
/// full, rows are dropped. Every row not kept is counted (metric <c>platform.inference.log.dropped</c>, tagged
/// <c>reason</c> = sampled | full) and reported in the next <c>PredictionsLogged</c>.
/// </summary>
public sealed class PredictionLog
{
    private static readonly Counter<long> DroppedRows = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.log.dropped", description: "Logged predictions sampled away or dropped because the buffer was filling up");
    private static readonly KeyValuePair<string, object?> Sampled = new("reason", "sampled");
    private static readonly KeyValuePair<string, object?> Full = new("reason", "full");
    private readonly Channel<PredictionRecord> _channel;
    private readonly int _highWater;
    private readonly int _sampleEvery;
    private long _dropped;
    private long _offered;

    public PredictionLog(IOptions<InferenceOptions> options)
    {
        _channel = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(options.Value.LogBufferRows)
        {
            FullMode = BoundedChannelFullMode.Wait, // never used to wait: TryWrite below fails fast instead
            SingleReader = true,
        });
        _highWater = Math.Max(1, options.Value.LogBufferRows / 2);
        _sampleEvery = options.Value.LogSampleEvery;
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.queue_depth", () => _channel.Reader.Count, description: "Predictions waiting to be published");
    }

    public ChannelReader<PredictionRecord> Reader => _channel.Reader;

    /// <summary>Whether to log the next row: ask first, so that a row sampled away costs no record at all.</summary>
    public bool ShouldLog()
    {
        if (_channel.Reader.Count < _highWater) return true;
        if (Interlocked.Increment(ref _offered) % _sampleEvery == 0) return true;
        Interlocked.Increment(ref _dropped);
        DroppedRows.Add(1, Sampled);
        return false;
    }

    public void Write(PredictionRecord record)
    {
        if (_channel.Writer.TryWrite(record)) return;
        Interlocked.Increment(ref _dropped);
        DroppedRows.Add(1, Full);
    }

    /// <summary>Rows dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
