namespace Platform.Tests;

/// <summary>The test kit's one wait: polls a condition until it holds or the time is up, then fails saying what it waited for.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Waits until <paramref name="probe"/> returns a value (not null). The description is built only on failure.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        var interval = Poll;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
            await Task.Delay(interval);
            // Fast at first (most waits are short), then gentler on a busy machine.
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPoll.Ticks));
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) =>
        ValueAsync(async () => await condition() ? "" : null, timeout, what);

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        HoldsAsync(condition, timeout, () => what);

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => what);
}
