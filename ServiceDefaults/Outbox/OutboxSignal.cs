using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Platform.ServiceDefaults.Outbox;

/// <summary>Wakes the dispatcher as soon as a commit wrote outbox rows, so events do not wait for the next poll.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>Wakes a polling background loop early; many notifications before it wakes count as one.</summary>
public class WakeSignal
{
    // At most one pending wake. The poll timeout returns false instead of throwing: a cancelled token per poll
    // cost an OperationCanceledException every interval for every loop, at rest.
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly Lock _gate = new();

    public void Notify()
    {
        // Only Notify raises the count, under the lock, so it never exceeds one (Release would throw past the maximum).
        lock (_gate)
        {
            if (_pending.CurrentCount == 0) _pending.Release();
        }
    }

    /// <summary>True when a notification woke the caller, false when the timeout elapsed (look anyway: another process may have changed something). Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}

internal sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    private bool _pending;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _pending = eventData.Context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) ?? false;
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (_pending) signal.Notify();
        _pending = false;
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }
}
