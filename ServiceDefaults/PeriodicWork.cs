namespace Platform.ServiceDefaults;

/// <summary>
/// The loop of every background service that repeats a pass (a sweep, a reconciliation): the first pass after a
/// delay, then one every interval until the host stops. A failed pass is reported and the next one tries again: a
/// pass that threw once (the database restarting, a peer down) must not end the service for good.
/// </summary>
public static class PeriodicWork
{
    /// <summary>
    /// Runs <paramref name="pass"/> after <paramref name="firstDelay"/> (zero: at once), then every
    /// <paramref name="interval"/> counted from the start of the previous pass, as <see cref="PeriodicTimer"/> counts:
    /// a pass longer than the interval is followed at once by the next, never by several. Every wait is measured with
    /// <paramref name="clock"/>. Any exception but the cancellation of <paramref name="stoppingToken"/> goes to
    /// <paramref name="failed"/>; the task completes (never faults) once the token is cancelled.
    /// </summary>
    public static async Task RunAsync(
        TimeSpan interval,
        TimeSpan firstDelay,
        TimeProvider clock,
        Func<CancellationToken, Task> pass,
        Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(firstDelay, clock, stoppingToken);
            // Made before the first pass, so the interval runs from the pass's start.
            using var timer = new PeriodicTimer(interval, clock);
            do
            {
                await RunPassAsync(pass, failed, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping is how this loop ends.
        }
    }

    private static async Task RunPassAsync(Func<CancellationToken, Task> pass, Action<Exception> failed, CancellationToken stoppingToken)
    {
        try
        {
            await pass(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            failed(ex);
        }
    }
}
