using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>One served row, as Monitoring will see it.</summary>
public sealed record PredictionRecord(string Model, int Version, IReadOnlyList<string> NumericFeatures, IReadOnlyList<string> CategoricalFeatures, LoggedPrediction Prediction);

/// <summary>
/// The hot path's only contact with logging: a bounded in-memory buffer. When it is full the row is dropped and
/// counted rather than waiting, so a slow or absent broker never slows a prediction.
/// </summary>
public sealed class PredictionLog
{
    private static readonly Counter<long> DroppedRows = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.log.dropped", description: "Logged predictions dropped because the buffer was full");
    private readonly Channel<PredictionRecord> _channel;
    private long _dropped;

    public PredictionLog(Microsoft.Extensions.Options.IOptions<InferenceOptions> options)
    {
        _channel = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(options.Value.LogBufferRows)
        {
            FullMode = BoundedChannelFullMode.Wait, // never used to wait: TryWrite below fails fast instead
            SingleReader = true,
        });
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.queue_depth", () => _channel.Reader.Count, description: "Predictions waiting to be published");
    }

    public ChannelReader<PredictionRecord> Reader => _channel.Reader;

    public void Write(PredictionRecord record)
    {
        if (_channel.Writer.TryWrite(record)) return;
        Interlocked.Increment(ref _dropped);
        DroppedRows.Add(1);
    }

    /// <summary>Rows dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
