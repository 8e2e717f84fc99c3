using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Inference.Apis;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Tests;

public sealed class PredictAllowanceTests
{
    [Fact]
    public void A_key_gets_its_permits_per_window_then_a_retry_after_until_the_window_ends_and_keys_are_counted_apart()
    {
        var options = new RateLimitOptions { Predict = new RateLimitRule { PermitLimit = 3, Window = TimeSpan.FromSeconds(10) } };
        var allowance = new PredictAllowance(new FixedOptions(options));
        var start = Stopwatch.GetTimestamp();

        for (var i = 0; i < 3; i++) Assert.True(allowance.TryTake("alice", start, out _));
        Assert.False(allowance.TryTake("alice", start + Stopwatch.Frequency, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(8.9), TimeSpan.FromSeconds(9.1));
        Assert.True(allowance.TryTake("bob", start + Stopwatch.Frequency, out _));

        // The next window starts afresh.
        Assert.True(allowance.TryTake("alice", start + 11 * Stopwatch.Frequency, out _));
    }

    [Fact]
    public async Task Concurrent_requests_of_one_key_never_get_more_permits_than_the_limit_within_a_window()
    {
        var options = new RateLimitOptions { Predict = new RateLimitRule { PermitLimit = 1000, Window = TimeSpan.FromHours(1) } };
        var allowance = new PredictAllowance(new FixedOptions(options));
        var now = Stopwatch.GetTimestamp();
        var granted = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
                if (allowance.TryTake("alice", now, out _)) Interlocked.Increment(ref granted);
        })));

        Assert.Equal(1000, granted);
    }

    private sealed class FixedOptions(RateLimitOptions value) : IOptionsMonitor<RateLimitOptions>
    {
        public RateLimitOptions CurrentValue => value;
        public RateLimitOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<RateLimitOptions, string?> listener) => null;
    }
}
