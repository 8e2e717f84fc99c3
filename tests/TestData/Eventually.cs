namespace Platform.Tests;

/// <summary>The test kit's one wait: polls a condition until it holds or the time is up, then fails saying what it waited for.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Waits until <paramref name="probe"/> returns a value (not null).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
            await Task.Delay(Interval);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) =>
        ValueAsync(async () => await condition() ? "" : null, timeout, what);
}
