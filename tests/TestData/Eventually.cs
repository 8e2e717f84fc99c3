namespace Platform.Tests;

/// <summary>
/// The test kit's one wait: polls a condition until it holds or the time is up, then fails saying what it waited for.
/// A probe that throws (a host still down, a server being restarted) counts as "not yet"; the last such failure is in
/// the message, and a probe that knows waiting is pointless (the process it waits for has exited) throws
/// <see cref="WaitAbandonedException"/> to fail at once. <c>HoldsAsync</c> returns how long it waited, for tests that
/// measure convergence.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Waits until <paramref name="probe"/> returns a value (not null). The description is built only on failure.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what) where T : class =>
        (await WaitAsync(probe, timeout, what)).Value;

    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) =>
        (await WaitAsync(async () => await condition() ? "" : null, timeout, what)).Elapsed;

    public static Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        HoldsAsync(condition, timeout, () => what);

    public static Task<TimeSpan> HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => what);

    private static async Task<(T Value, TimeSpan Elapsed)> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what)
        where T : class
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var interval = Poll;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value) return (value, watch.Elapsed);
                last = null;
            }
            catch (Exception ex) when (ex is not (TimeoutException or WaitAbandonedException))
            {
                last = ex;
            }

            if (watch.Elapsed >= timeout)
                throw new TimeoutException($"Timed out after {timeout} waiting for {what()}." + (last is null ? "" : $" Last probe failed: {last.Message}"));
            await Task.Delay(interval);
            // Fast at first (most waits are short), then gentler on a busy machine.
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPoll.Ticks));
        }
    }
}

/// <summary>Thrown by a probe of <see cref="Eventually"/> when what it waits for can no longer happen: the wait fails at once.</summary>
public sealed class WaitAbandonedException(string message) : Exception(message);
