using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Serving;

/// <summary>
/// The scored rows of one request: its own batch, or its row inside a batch scored for several requests. Dispose it once
/// the response is written: a shared batch goes back to the scorer's pool when its last request is done with it.
/// </summary>
public readonly struct ScoredRows(ScoringBatch batch, int first, int count, RowCoalescer.SharedBatch? shared) : IDisposable
{
    public ScoringBatch Batch { get; } = batch;

    /// <summary>The request's first row in <see cref="Batch"/>.</summary>
    public int First { get; } = first;

    public int Count { get; } = count;

    /// <summary>Whether the rows were scored in one ONNX Runtime call with other requests' rows.</summary>
    public bool Coalesced => shared is not null;

    public static ScoredRows Own(ScoringBatch batch) => new(batch, 0, batch.Rows, null);

    public void Dispose() => shared?.Release();
}

/// <summary>
/// Adaptive batching of single-row requests for one model version (<see cref="InferenceOptions.Batching"/>). A request
/// that finds the model idle scores its row at once, on its own thread: no wait is ever added to a lone request. Rows
/// that arrive while a call is running queue up, and the next call scores all of them (up to
/// <see cref="BatchingOptions.MaxRows"/>) together, on the thread pool, each request getting back its own row. So
/// batches form exactly when requests contend for the model, and grow with the load; and only for a model whose calls
/// are slow enough to repay the hand-over (<see cref="BatchingOptions.MinCallTime"/>, judged on the fastest of its
/// recent single-row calls), so a cheap model is never slowed down by it. Inputs are validated per request
/// before they get here, and a shared call that fails is retried row by row, so one request's error stays its own.
/// </summary>
public sealed class RowCoalescer(OnnxScorer scorer)
{
    private static readonly Histogram<long> RoundRows = PlatformTelemetry.Meter.CreateHistogram<long>(
        "platform.inference.batch.rows", "{row}", "Single-row requests scored together in one ONNX Runtime call");

    private readonly Lock _gate = new();
    private List<Waiter> _queue = [];
    private List<Waiter> _spare = [];
    private bool _running;
    private long _arrivals;

    /// <summary>While coalescing, every this many rows one is scored alone, to keep the single-row timing current.</summary>
    private const int RefreshEvery = 32;

    /// <summary>The typical single-row call of this version, in stopwatch ticks: the fastest of the last window of calls.</summary>
    private long _typicalTicks;
    private long _windowMinTicks = long.MaxValue;
    private long _windowCalls;

    /// <summary>Single-row calls per window of <see cref="TypicalCallTime"/>.</summary>
    private const int CallWindow = 32;

    /// <summary>
    /// How long one single-row ONNX Runtime call of this version takes: the fastest of its last <see cref="CallWindow"/>
    /// calls. The fastest, not the mean: on a loaded machine a thread descheduled mid-call makes a call look many times
    /// longer than the model's cost, and a mean then turned coalescing on (and cost 35%) for a 30 µs model.
    /// </summary>
    public TimeSpan TypicalCallTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _typicalTicks));

    /// <summary>
    /// Scores a one-row batch, alone or with the rows of requests waiting at the same moment. Rows wait for a running
    /// call only when this version's calls take at least <paramref name="minCallTime"/>: handing a row to another
    /// thread and back costs some microseconds, which a cheap model's call does not repay; such rows are scored at
    /// once, concurrently (a session runs calls in parallel).
    /// </summary>
    public ValueTask<ScoredRows> ScoreAsync(ScoringBatch single, int maxRows, TimeSpan minCallTime = default)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(single.Rows, 1);

        // A version known to be cheap skips the coalescer entirely: no lock, no waiter, no round to record. This is the
        // common case (iris: ~20-40 µs a call), and it must cost what batching off costs.
        var typical = Volatile.Read(ref _typicalTicks);
        if (typical != 0 && Stopwatch.GetElapsedTime(0, typical) < minCallTime) return ValueTask.FromResult(ScoreOwn(single));

        Waiter? waiter = null;
        lock (_gate)
        {
            // While coalescing, one row in RefreshEvery is scored alone all the same: shared calls are not timed,
            // so without it a version that got cheaper (or only looked slow, on a loaded machine) would coalesce forever.
            if (!_running || (TypicalCallTime >= minCallTime && ++_arrivals % RefreshEvery != 0))
            {
                waiter = new Waiter(single);
                _queue.Add(waiter);
                if (_running) return new ValueTask<ScoredRows>(waiter.Task);
                _running = true;
            }
        }

        if (waiter is null) return ValueTask.FromResult(ScoreOwn(single));

        // Idle: this request leads. Its round is the queue as it stands (its own row first), scored here; whoever queued
        // meanwhile is scored by the thread pool, so this request's answer does not wait for theirs.
        if (RunRound(maxRows)) ThreadPool.UnsafeQueueUserWorkItem(static state => state.Coalescer.Drain(state.MaxRows), (Coalescer: this, MaxRows: maxRows), preferLocal: false);
        return new ValueTask<ScoredRows>(waiter.Task);
    }

    private void Drain(int maxRows)
    {
        while (RunRound(maxRows)) { }
    }

    /// <summary>Scores one round; true when more rows are waiting (the caller carries on), false when the queue is empty.</summary>
    private bool RunRound(int maxRows)
    {
        List<Waiter> round;
        lock (_gate)
        {
            if (_queue.Count <= maxRows)
            {
                round = _queue;
                _queue = _spare;
                _spare = round;
            }
            else
            {
                round = _queue.GetRange(0, maxRows);
                _queue.RemoveRange(0, maxRows);
            }
        }

        Score(round);
        round.Clear();
        lock (_gate)
        {
            if (_queue.Count > 0) return true;
            _running = false;
            return false;
        }
    }

    private void Score(List<Waiter> round)
    {
        if (round.Count == 0) return;
        RoundRows.Record(round.Count);
        if (round.Count == 1)
        {
            ScoreAlone(round[0]);
            return;
        }

        var batch = scorer.RentBatch(round.Count);
        try
        {
            var inputs = scorer.Signature.Inputs;
            for (var row = 0; row < round.Count; row++)
            {
                var own = round[row].Single;
                for (var f = 0; f < inputs.Count; f++)
                {
                    if (inputs[f].Kind == ColumnKind.Categorical) batch.SetText(f, row, own.Text(f, 0));
                    else batch.SetNumber(f, row, own.Number(f, 0));
                }
            }

            // Not timed: a shared call is longer the more rows it carries, and counting it would keep a cheap model
            // coalescing once load had pushed it over the threshold. The timing is the cost of one row alone.
            batch.Score();
        }
        catch (Exception)
        {
            // Whatever broke the shared call, each request gets its own answer or its own error.
            batch.Dispose();
            foreach (var waiter in round) ScoreAlone(waiter);
            return;
        }

        var shared = new SharedBatch(batch, round.Count);
        for (var row = 0; row < round.Count; row++) round[row].SetResult(new ScoredRows(batch, row, 1, shared));
    }

    private ScoredRows ScoreOwn(ScoringBatch single)
    {
        var started = Stopwatch.GetTimestamp();
        single.Score();
        Observe(started);
        return ScoredRows.Own(single);
    }

    /// <summary>Times one single-row call: the first sets a first estimate, then each window publishes its fastest call.</summary>
    private void Observe(long started)
    {
        var ticks = Stopwatch.GetTimestamp() - started;
        if (Volatile.Read(ref _typicalTicks) == 0) Volatile.Write(ref _typicalTicks, Math.Max(ticks, 1));
        // Racy by design: a minimum that misses one concurrent call is still a fair estimate.
        if (ticks < Volatile.Read(ref _windowMinTicks)) Volatile.Write(ref _windowMinTicks, ticks);
        if (Interlocked.Increment(ref _windowCalls) % CallWindow != 0) return;
        var fastest = Interlocked.Exchange(ref _windowMinTicks, long.MaxValue);
        if (fastest != long.MaxValue) Volatile.Write(ref _typicalTicks, Math.Max(fastest, 1));
    }

    private void ScoreAlone(Waiter waiter)
    {
        try
        {
            waiter.SetResult(ScoreOwn(waiter.Single));
        }
        catch (Exception ex)
        {
            waiter.SetException(ex);
        }
    }

    private sealed class Waiter(ScoringBatch single) : TaskCompletionSource<ScoredRows>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public ScoringBatch Single { get; } = single;
    }

    /// <summary>A batch scored for several requests: back to the pool when the last of them is done.</summary>
    public sealed class SharedBatch(ScoringBatch batch, int users)
    {
        private int _users = users;

        public void Release()
        {
            if (Interlocked.Decrement(ref _users) == 0) batch.Dispose();
        }
    }
}
