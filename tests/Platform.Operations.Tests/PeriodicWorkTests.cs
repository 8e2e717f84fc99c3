using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Platform.ServiceDefaults;

namespace Platform.Operations.Tests;

/// <summary>The loop behind every sweeper and reconciler, driven by a fake clock: schedule, failures, stopping.</summary>
public sealed class PeriodicWorkTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    // Only guards against a hang; every assertion is on the fake clock.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly Channel<DateTimeOffset> _passes = Channel.CreateUnbounded<DateTimeOffset>();
    private readonly Channel<Exception> _failures = Channel.CreateUnbounded<Exception>();

    [Fact]
    public async Task Runs_the_first_pass_after_the_first_delay_then_one_every_interval()
    {
        using var stop = new CancellationTokenSource();
        var loop = Run(TimeSpan.FromSeconds(3), Record, stop.Token);

        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(Start.AddSeconds(3), await NextPassAsync());
        _clock.Advance(Interval);
        Assert.Equal(Start.AddSeconds(13), await NextPassAsync());
        _clock.Advance(Interval);
        Assert.Equal(Start.AddSeconds(23), await NextPassAsync());

        await StopQuietlyAsync(stop, loop);
    }

    [Fact]
    public async Task A_zero_first_delay_runs_the_first_pass_at_once()
    {
        using var stop = new CancellationTokenSource();
        var loop = Run(TimeSpan.Zero, Record, stop.Token);

        Assert.Equal(Start, await NextPassAsync());
        _clock.Advance(Interval);
        Assert.Equal(Start + Interval, await NextPassAsync());

        await StopQuietlyAsync(stop, loop);
    }

    [Fact]
    public async Task A_pass_that_throws_is_reported_and_the_next_pass_still_runs()
    {
        using var stop = new CancellationTokenSource();
        var calls = 0;
        var loop = Run(TimeSpan.Zero, async ct =>
        {
            await Record(ct);
            if (++calls == 1) throw new InvalidOperationException("database restarting");
        }, stop.Token);

        Assert.Equal(Start, await NextPassAsync());
        var failure = await _failures.Reader.ReadAsync().AsTask().WaitAsync(Hang);
        Assert.Equal("database restarting", Assert.IsType<InvalidOperationException>(failure).Message);

        _clock.Advance(Interval);
        Assert.Equal(Start + Interval, await NextPassAsync());
        Assert.False(_failures.Reader.TryRead(out _));

        await StopQuietlyAsync(stop, loop);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Stopping_between_passes_ends_the_loop_without_throwing()
    {
        using var stop = new CancellationTokenSource();
        var loop = Run(TimeSpan.Zero, Record, stop.Token);
        await NextPassAsync();

        await StopQuietlyAsync(stop, loop);
    }

    [Fact]
    public async Task Stopping_during_a_pass_ends_the_loop_without_reporting_the_cancellation()
    {
        using var stop = new CancellationTokenSource();
        var loop = Run(TimeSpan.Zero, async ct =>
        {
            await Record(ct);
            await Task.Delay(Timeout.InfiniteTimeSpan, _clock, ct);
        }, stop.Token);
        await NextPassAsync();

        await StopQuietlyAsync(stop, loop);
    }

    [Fact]
    public async Task Stopping_before_the_first_delay_is_over_runs_no_pass()
    {
        using var stop = new CancellationTokenSource();
        var loop = Run(TimeSpan.FromMinutes(1), Record, stop.Token);

        await StopQuietlyAsync(stop, loop);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(_passes.Reader.TryRead(out _));
    }

    /// <summary>Stops the loop: it ends without throwing and with nothing reported.</summary>
    private async Task StopQuietlyAsync(CancellationTokenSource stop, Task loop)
    {
        await stop.CancelAsync();
        await loop.WaitAsync(Hang);
        Assert.True(loop.IsCompletedSuccessfully);
        Assert.False(_failures.Reader.TryRead(out _));
    }

    private Task Run(TimeSpan firstDelay, Func<CancellationToken, Task> pass, CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Interval, firstDelay, _clock, pass, ex => _failures.Writer.TryWrite(ex), stoppingToken);

    private Task Record(CancellationToken cancellationToken)
    {
        _passes.Writer.TryWrite(_clock.GetUtcNow());
        return Task.CompletedTask;
    }

    private async Task<DateTimeOffset> NextPassAsync() => await _passes.Reader.ReadAsync().AsTask().WaitAsync(Hang);
}
