using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>One served row, as Monitoring will see it.</summary>
public sealed record PredictionRecord(string Model, int Version, IReadOnlyList<string> NumericFeatures, IReadOnlyList<string> CategoricalFeatures, LoggedPrediction Prediction);

/// <summary>A row on its way to the publisher, with the spool segment to acknowledge it on (null: not spooled).</summary>
public readonly record struct LoggedRow(PredictionRecord Record, SpoolSegment? Segment);

/// <summary>
/// The hot path's only contact with logging: a bounded in-memory buffer that never waits, journalled to the spool
/// (<see cref="PredictionSpool"/>, <c>Inference:LogSpoolPath</c>) before the predict is answered. Below half full every row is kept;
/// above it (the publisher is falling behind: a slow or absent broker; or the spool is above half its bound) one row in
/// <see cref="InferenceOptions.LogSampleEvery"/> is kept, so Monitoring still sees a sample of the traffic; when
/// full, rows are dropped. Every row not kept is counted (metric <c>platform.inference.log.dropped</c>, tagged
/// <c>reason</c> = sampled | full) and reported in the next <c>PredictionsLogged</c>. Rows an earlier process left in
/// the spool come out of the reader first, before any row of this process.
/// </summary>
/// <remarks>
/// A request's rows go in as one write and the buffered rows are counted with an interlocked counter: a bounded
/// channel takes its lock for every row written and for every look at its count, and with a hundred rows a request
/// that lock was where the serving threads met. The reader hands the rows out one at a time, as before.
/// </remarks>
public sealed class PredictionLog : IHostedService, IDisposable
{
    private static readonly Counter<long> DroppedRows = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.log.dropped", description: "Logged predictions sampled away or dropped because the buffer was filling up");
    private static readonly KeyValuePair<string, object?> Sampled = new("reason", "sampled");
    private static readonly KeyValuePair<string, object?> Full = new("reason", "full");
    private readonly Channel<(PredictionRecord[] Rows, SpoolSegment? Segment)> _writes =
        Channel.CreateUnbounded<(PredictionRecord[], SpoolSegment?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string? _spoolFolder;
    private readonly InferenceOptions _settings;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly int _highWater;
    private readonly int _sampleEvery;
    private PredictionSpool? _spool;
    private long _buffered;
    private long _dropped;
    private long _offered;

    /// <param name="environment">Relative spool paths are under its content root (the working directory without one).</param>
    /// <remarks>Touches no file: the spool is opened by <see cref="StartAsync"/>.</remarks>
    public PredictionLog(IOptions<InferenceOptions> options, IHostEnvironment? environment = null, ILogger<PredictionLog>? logger = null)
    {
        _settings = options.Value;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _capacity = _settings.LogBufferRows;
        _highWater = Math.Max(1, _settings.LogBufferRows / 2);
        _sampleEvery = _settings.LogSampleEvery;
        Reader = new RowReader(this);
        if (!string.IsNullOrEmpty(_settings.LogSpoolPath))
        {
            // Sampling starts at half the bound, which must leave room for more than the segment being written.
            if (_settings.LogSpoolBytes < 4 * _settings.LogSpoolSegmentBytes)
                throw new InvalidOperationException("Inference:LogSpoolBytes must be at least four times Inference:LogSpoolSegmentBytes.");
            _spoolFolder = Path.GetFullPath(Path.Combine(environment?.ContentRootPath ?? Directory.GetCurrentDirectory(), _settings.LogSpoolPath));
        }

        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.queue_depth", () => Volatile.Read(ref _buffered), description: "Predictions waiting to be published");
    }

    /// <summary>
    /// Opens the spool (when on) and queues the rows an earlier process left in it. A hosted service registered before
    /// the publisher and the web server: it runs before any request can write, so the earlier rows go out first.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_spoolFolder is null || _spool is not null) return Task.CompletedTask;
        var spool = PredictionSpool.Open(_spoolFolder, _settings.LogSpoolSegmentBytes, _settings.LogSpoolBytes, _logger, out var replay);
        // They may take the buffer past its bound for a while (new rows are then sampled or dropped, counted): the
        // spool's bound holds them.
        foreach (var write in replay)
        {
            Interlocked.Add(ref _buffered, write.Rows.Length);
            _writes.Writer.TryWrite(write);
        }

        Replayed = replay.Sum(w => w.Rows.Length);
        _spool = spool;
        return Task.CompletedTask;
    }

    /// <summary>Nothing to stop: the publisher drains the buffer, <see cref="Dispose"/> closes the spool.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Rows read back from the spool at start (an earlier process left them unpublished).</summary>
    public long Replayed { get; private set; }

    /// <summary>The spool, when on (for the tests).</summary>
    public PredictionSpool? Spool => _spool;

    /// <summary>The buffered rows, one at a time, in the order their requests wrote them.</summary>
    public ChannelReader<LoggedRow> Reader { get; }

    /// <summary>Whether to log the next row: ask first, so that a row sampled away costs no record at all.</summary>
    public bool ShouldLog()
    {
        if (Volatile.Read(ref _buffered) < _highWater && _spool?.UnderPressure != true) return true;
        if (Interlocked.Increment(ref _offered) % _sampleEvery == 0) return true;
        Interlocked.Increment(ref _dropped);
        DroppedRows.Add(1, Sampled);
        return false;
    }

    public void Write(PredictionRecord record) => Write([record]);

    /// <summary>
    /// One request's rows, kept together or (the buffer or the spool is full) dropped together. Called on the predict
    /// path before the answer is sent: once it returns, the rows are in the spool and survive a kill of the process.
    /// </summary>
    public void Write(PredictionRecord[] records)
    {
        if (records.Length == 0) return;
        // A row written before the spool is open would be answered without being journalled.
        if (_spool is null && _spoolFolder is not null) throw new InvalidOperationException("The prediction log is written to before it was started (its spool is not open).");
        if (Interlocked.Add(ref _buffered, records.Length) <= _capacity)
        {
            SpoolSegment? segment = null;
            if ((_spool is null || (segment = _spool.Append(records)) is not null) && _writes.Writer.TryWrite((records, segment))) return;
        }

        Interlocked.Add(ref _buffered, -records.Length);
        Interlocked.Add(ref _dropped, records.Length);
        DroppedRows.Add(records.Length, Full);
    }

    /// <summary>
    /// The publisher is done with these rows (published, or dropped and counted): their spool segments are deleted once
    /// every row in them is done.
    /// </summary>
    public void Acknowledge(IReadOnlyList<LoggedRow> rows)
    {
        if (_spool is null) return;
        // Consecutive rows mostly share a segment: one interlocked add per run.
        SpoolSegment? segment = null;
        var run = 0;
        foreach (var row in rows)
        {
            if (row.Segment == segment)
            {
                run++;
                continue;
            }

            segment?.Acknowledge(run);
            (segment, run) = (row.Segment, 1);
        }

        segment?.Acknowledge(run);
        _spool.Collect();
    }

    /// <summary>Rows dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    public void Dispose() => _spool?.Dispose();

    /// <summary>Flattens the writes back into rows for the (single) publisher.</summary>
    private sealed class RowReader(PredictionLog log) : ChannelReader<LoggedRow>
    {
        private PredictionRecord[] _current = [];
        private SpoolSegment? _segment;
        private int _next;

        public override bool CanCount => true;
        public override int Count => (int)Volatile.Read(ref log._buffered);

        public override bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out LoggedRow item)
        {
            while (_next == _current.Length)
            {
                if (!log._writes.Reader.TryRead(out var write))
                {
                    item = default;
                    return false;
                }

                (_current, _segment) = write;
                _next = 0;
            }

            item = new LoggedRow(_current[_next], _segment);
            _current[_next++] = null!; // the publisher owns the row now
            Interlocked.Decrement(ref log._buffered);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            _next < _current.Length ? ValueTask.FromResult(true) : log._writes.Reader.WaitToReadAsync(cancellationToken);
    }
}
