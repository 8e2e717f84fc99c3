using System.Collections.Concurrent;
using Platform.ServiceDefaults.Outbox;

namespace Platform.ServiceDefaults.InProcess;

/// <summary>
/// Rows of batches published on the in-memory bus and not yet taken by their consumer in the same process (the
/// embedded default's <c>PredictionsLogged</c>). MassTransit's in-memory queues are unbounded: measured, a 20 s load
/// cell left Monitoring ~50 s behind, and a host still draining its queue 40 minutes after SIGTERM. The publisher
/// counts a batch in before publishing it and holds further rows while the count is at its bound; the consumer counts
/// it out when it starts on it (once, however often it is retried), and reports when it has stored it (<see cref="Stored"/>):
/// the in-memory bus loses what it holds with the process, so the publisher keeps its own copy (the prediction-log
/// spool) until then.
/// </summary>
/// <remarks>
/// Registered only where publisher and consumer share one process on the in-memory bus: anywhere else no one would
/// count batches out (<c>AddInProcessBacklog</c>, called by the consuming module).
/// </remarks>
public sealed class InProcessBacklog
{
    private readonly ConcurrentDictionary<Guid, int> _batches = new();
    private readonly ConcurrentDictionary<Guid, Action> _onStored = new();
    private readonly WakeSignal _taken = new();
    private long _rows;
    private long _peak;

    /// <summary>Rows published and not yet taken.</summary>
    public long Rows => Volatile.Read(ref _rows);

    /// <summary>The most rows that were ever published and not yet taken at once, since the process started.</summary>
    public long Peak => Volatile.Read(ref _peak);

    /// <summary>
    /// Counts a batch in; call before publishing it, since the consumer may take it before the publish returns.
    /// <paramref name="stored"/> runs once the consumer has stored it.
    /// </summary>
    public void Publishing(Guid batchId, int rows, Action? stored = null)
    {
        if (!_batches.TryAdd(batchId, rows)) return;
        if (stored is not null) _onStored[batchId] = stored;
        var now = Interlocked.Add(ref _rows, rows);
        for (var peak = Peak; now > peak; peak = Peak)
            if (Interlocked.CompareExchange(ref _peak, now, peak) == peak) break;
    }

    /// <summary>Counts a batch out: its consumer started on it, or its publish failed. Repeats are ignored.</summary>
    public void Taken(Guid batchId)
    {
        if (!_batches.TryRemove(batchId, out var rows)) return;
        Interlocked.Add(ref _rows, -rows);
        _taken.Notify();
    }

    /// <summary>The publish failed: counted out, and nothing will be stored.</summary>
    public void NotPublished(Guid batchId)
    {
        _onStored.TryRemove(batchId, out _);
        Taken(batchId);
    }

    /// <summary>The consumer is done with the batch (stored it, or decided to ignore it). Repeats are ignored.</summary>
    public void Stored(Guid batchId)
    {
        if (_onStored.TryRemove(batchId, out var stored)) stored();
    }

    /// <summary>Waits until a batch is taken (true) or <paramref name="timeout"/> elapses (false).</summary>
    public Task<bool> WaitTakenAsync(TimeSpan timeout, CancellationToken cancellationToken) => _taken.WaitAsync(timeout, cancellationToken);
}
