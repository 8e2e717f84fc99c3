using Platform.Contracts;

namespace Platform.Monitoring.Tests;

/// <summary>The storm guard over real windows: drift analysis, reports and the outbox, with the clock moved by hand.</summary>
public sealed class StormGuardTests
{
    private static MonitoringOptions Options(TimeSpan cooldown, int maxPerDay) => new()
    {
        WindowRows = 200,
        MinWindowRows = 50,
        Cooldown = cooldown,
        MaxRetrainsPerDay = maxPerDay,
    };

    [Fact]
    public async Task Flapping_input_raises_no_more_than_one_event_per_cooldown()
    {
        await using var harness = new MonitoringHarness(Options(TimeSpan.FromHours(1), maxPerDay: 1000));
        await harness.PromoteAsync(1);

        // Six hours of windows every ten minutes, shifted and normal in turn.
        for (var window = 0; window < 36; window++)
        {
            await harness.LogAsync(1, 200, shift: window % 2 == 0 ? 1.0 : 0.0);
            harness.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var reports = await harness.ReportsAsync();
        Assert.Equal(36, reports.Count);
        Assert.All(reports.Where((_, i) => i % 2 == 0), r => Assert.True(r.DatasetDrift));
        // Unshifted windows are not asserted: with three features and 200 rows, a few in a hundred are false alarms
        // (see services/Monitoring/README.md). They close at 10, 30, 50 minutes past an event, so the cooldown holds them too.

        var events = await harness.EventsAsync();
        // Shifted windows close at 0, 20, 40, 60 ... minutes: one event at the start of each hour, the rest suppressed.
        Assert.Equal(6, events.Count);
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.Second.DetectedAt - pair.First.DetectedAt >= TimeSpan.FromHours(1)));
        Assert.All(events, e => Assert.Equal(DriftKinds.Data, e.Kind));
        Assert.All(reports.Where(r => r.DatasetDrift && !r.EventPublished), r => Assert.Contains("cooldown", r.Decision, StringComparison.Ordinal));
        Assert.True(reports.Count(r => r.DatasetDrift && !r.EventPublished) >= 12);
    }

    [Fact]
    public async Task Daily_cap_holds_across_versions_and_frees_up_after_24_hours()
    {
        await using var harness = new MonitoringHarness(Options(TimeSpan.Zero, maxPerDay: 3));
        await harness.PromoteAsync(1);
        for (var window = 0; window < 6; window++)
        {
            await harness.LogAsync(1, 200, shift: 1.0);
            harness.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Equal(3, (await harness.EventsAsync()).Count);

        // A new version does not reset the cap: it counts retrains of the model, whatever the version.
        await harness.PromoteAsync(2);
        await harness.LogAsync(2, 200, shift: 1.0);
        Assert.Equal(3, (await harness.EventsAsync()).Count);
        Assert.Contains("3 retrains in the last 24 hours", (await harness.ReportsAsync())[^1].Decision, StringComparison.Ordinal);

        harness.Clock.Advance(TimeSpan.FromHours(24));
        await harness.LogAsync(2, 200, shift: 1.0);
        var events = await harness.EventsAsync();
        Assert.Equal(4, events.Count);
        Assert.Equal(2, events[^1].Version);
    }

    [Fact]
    public async Task A_new_promotion_resets_the_cooldown()
    {
        await using var harness = new MonitoringHarness(Options(TimeSpan.FromHours(1), maxPerDay: 100));
        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 200, shift: 1.0);
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await harness.LogAsync(1, 200, shift: 1.0);
        Assert.Single(await harness.EventsAsync());

        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await harness.PromoteAsync(2);
        await harness.LogAsync(2, 200, shift: 1.0);
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await harness.LogAsync(2, 200, shift: 1.0);

        // Rolled back to v1 within the hour: a fresh promotion of v1, so its earlier event no longer holds it back.
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 200, shift: 1.0);

        var events = await harness.EventsAsync();
        Assert.Equal([1, 2, 1], events.Select(e => e.Version));
        Assert.True(events[^1].DetectedAt - events[0].DetectedAt < TimeSpan.FromHours(1));
    }

    [Fact]
    public void Guard_allows_the_first_event_and_counts_the_cap_over_24_hours()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var options = new MonitoringOptions { Cooldown = TimeSpan.FromHours(1), MaxRetrainsPerDay = 2 };
        Assert.Null(StormGuard.Check([], 1, now.AddDays(-1), now, options));
        Assert.Contains("cooldown", StormGuard.Check([(1, now.AddMinutes(-59))], 1, now.AddDays(-1), now, options), StringComparison.Ordinal);
        Assert.Null(StormGuard.Check([(1, now.AddMinutes(-60))], 1, now.AddDays(-1), now, options));
        Assert.Contains("24 hours", StormGuard.Check([(1, now.AddHours(-23)), (2, now.AddHours(-2))], 3, now.AddHours(-1), now, options), StringComparison.Ordinal);
        Assert.Null(StormGuard.Check([(1, now.AddHours(-25)), (2, now.AddHours(-2))], 3, now.AddHours(-1), now, options));
    }
}
