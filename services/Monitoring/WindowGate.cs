namespace Platform.Monitoring;

/// <summary>
/// One window check at a time in this process: the bus consumers, the feedback endpoint and the sweeper would
/// otherwise close the same window twice. (Replicas are kept apart by the database: the second to delete a window's
/// rows fails its transaction, report included, and retries.)
/// </summary>
public sealed class WindowGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Release(_semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) semaphore.Release();
        }
    }
}
