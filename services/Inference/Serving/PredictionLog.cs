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
/// <remarks>
/// A request's rows go in as one write and the buffered rows are counted with an interlocked counter: a bounded
/// channel takes its lock for every row written and for every look at its count, and with a hundred rows a request
/// that lock was where the serving threads met. The reader hands the rows out one at a time, as before.
/// </remarks>
public sealed class PredictionLog
{
    private static readonly Counter<long> DroppedRows = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.log.dropped", description: "Logged predictions sampled away or dropped because the buffer was filling up");
    private static readonly KeyValuePair<string, object?> Sampled = new("reason", "sampled");
    private static readonly KeyValuePair<string, object?> Full = new("reason", "full");
    private readonly Channel<PredictionRecord[]> _writes = Channel.CreateUnbounded<PredictionRecord[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private readonly int _highWater;
    private readonly int _sampleEvery;
    private long _buffered;
    private long _dropped;
    private long _offered;

    public PredictionLog(IOptions<InferenceOptions> options)
    {
        _capacity = options.Value.LogBufferRows;
        _highWater = Math.Max(1, options.Value.LogBufferRows / 2);
        _sampleEvery = options.Value.LogSampleEvery;
        Reader = new RowReader(this);
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.queue_depth", () => Volatile.Read(ref _buffered), description: "Predictions waiting to be published");
    }

    /// <summary>The buffered rows, one at a time, in the order their requests wrote them.</summary>
    public ChannelReader<PredictionRecord> Reader { get; }

    /// <summary>Whether to log the next row: ask first, so that a row sampled away costs no record at all.</summary>
    public bool ShouldLog()
    {
        if (Volatile.Read(ref _buffered) < _highWater) return true;
        if (Interlocked.Increment(ref _offered) % _sampleEvery == 0) return true;
        Interlocked.Increment(ref _dropped);
        DroppedRows.Add(1, Sampled);
        return false;
    }

    public void Write(PredictionRecord record) => Write([record]);

    /// <summary>One request's rows, kept together or (the buffer is full) dropped together.</summary>
    public void Write(PredictionRecord[] records)
    {
        if (records.Length == 0) return;
        if (Interlocked.Add(ref _buffered, records.Length) <= _capacity && _writes.Writer.TryWrite(records)) return;
        Interlocked.Add(ref _buffered, -records.Length);
        Interlocked.Add(ref _dropped, records.Length);
        DroppedRows.Add(records.Length, Full);
    }

    /// <summary>Rows dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    /// <summary>Flattens the writes back into rows for the (single) publisher.</summary>
    private sealed class RowReader(PredictionLog log) : ChannelReader<PredictionRecord>
    {
        private PredictionRecord[] _current = [];
        private int _next;

        public override bool CanCount => true;
        public override int Count => (int)Volatile.Read(ref log._buffered);

        public override bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PredictionRecord item)
        {
            while (_next == _current.Length)
            {
                if (!log._writes.Reader.TryRead(out var write))
                {
                    item = null;
                    return false;
                }

                _current = write;
                _next = 0;
            }

            item = _current[_next];
            _current[_next++] = null!; // the publisher owns the row now
            Interlocked.Decrement(ref log._buffered);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            _next < _current.Length ? ValueTask.FromResult(true) : log._writes.Reader.WaitToReadAsync(cancellationToken);
    }
}
