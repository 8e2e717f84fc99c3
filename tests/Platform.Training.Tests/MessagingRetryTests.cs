using Platform.ServiceDefaults;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.Training.Tests;

/// <summary>
/// The retry policy every consumer gets (<c>AddPlatformMessaging</c>), over MassTransit's in-memory transport with its
/// waits shortened: an outage is waited out for the whole window, anything else gets its few quick retries, and only
/// then does a message fault (land in _error).
/// </summary>
public sealed class MessagingRetryTests
{
    [Fact]
    public async Task An_outage_longer_than_the_quick_retries_is_waited_out_and_the_message_is_consumed_once_it_ends()
    {
        // 30 failed tries: far past the three quick retries, well inside the outage window.
        await using var bus = await RetryBus.StartAsync(failures: 30, () => new SocketException((int)SocketError.ConnectionRefused));

        await bus.PublishAsync();

        await Eventually.HoldsAsync(() => bus.Log.Consumed == 1, TimeSpan.FromSeconds(30), "the message to be consumed after the outage");
        Assert.Equal(31, bus.Log.Attempts);
        Assert.Equal(0, bus.Log.Faults);
    }

    [Fact]
    public async Task A_fault_that_is_not_an_outage_gets_three_quick_retries_then_faults()
    {
        await using var bus = await RetryBus.StartAsync(failures: int.MaxValue, () => new InvalidOperationException("bad input"));

        await bus.PublishAsync();

        await Eventually.HoldsAsync(() => bus.Log.Faults == 1, TimeSpan.FromSeconds(30), "the message to fault");
        Assert.Equal(4, bus.Log.Attempts);
        Assert.Equal(0, bus.Log.Consumed);
    }

    [Fact]
    public async Task An_outage_longer_than_the_window_faults_the_message_after_the_window()
    {
        await using var bus = await RetryBus.StartAsync(failures: int.MaxValue, () => new SocketException((int)SocketError.ConnectionRefused));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await bus.PublishAsync();

        await Eventually.HoldsAsync(() => bus.Log.Faults == 1, TimeSpan.FromSeconds(30), "the message to fault after the outage window");
        Assert.True(watch.Elapsed >= RetryBus.Window, $"faulted after {watch.Elapsed}, before the {RetryBus.Window} window");
        Assert.Equal(0, bus.Log.Consumed);
    }

    [Fact]
    public void The_default_outage_waits_cover_ten_minutes_and_never_exceed_five_seconds()
    {
        var intervals = new MessagingRetryOptions().OutageIntervals();

        Assert.Equal([1, 2, 4, 5], intervals.Take(4).Select(i => i.TotalSeconds));
        Assert.All(intervals, i => Assert.True(i <= TimeSpan.FromSeconds(5)));
        Assert.InRange(intervals.Sum(i => i.TotalSeconds), 600, 605);
    }
}

public sealed record RetryProbe(Guid Id);

/// <summary>What the consumer saw: tries, successes, and the faults MassTransit published.</summary>
public sealed class RetryLog(int failures, Func<Exception> fault)
{
    private int _attempts;
    private int _consumed;
    private int _faults;

    public int Attempts => Volatile.Read(ref _attempts);
    public int Consumed => Volatile.Read(ref _consumed);
    public int Faults => Volatile.Read(ref _faults);

    public void Try()
    {
        if (Interlocked.Increment(ref _attempts) <= failures) throw fault();
        Interlocked.Increment(ref _consumed);
    }

    public void Faulted() => Interlocked.Increment(ref _faults);
}

public sealed class RetryProbeConsumer(RetryLog log) : IConsumer<RetryProbe>
{
    public Task Consume(ConsumeContext<RetryProbe> context)
    {
        log.Try();
        return Task.CompletedTask;
    }
}

public sealed class RetryProbeFaultConsumer(RetryLog log) : IConsumer<Fault<RetryProbe>>
{
    public Task Consume(ConsumeContext<Fault<RetryProbe>> context)
    {
        log.Faulted();
        return Task.CompletedTask;
    }
}

internal sealed class RetryBus(IHost host, RetryLog log) : IAsyncDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    public RetryLog Log { get; } = log;

    public static async Task<RetryBus> StartAsync(int failures, Func<Exception> fault)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "InMemory",
            ["Messaging:Retry:QuickIntervals:0"] = "00:00:00.010",
            ["Messaging:Retry:QuickIntervals:1"] = "00:00:00.010",
            ["Messaging:Retry:QuickIntervals:2"] = "00:00:00.010",
            ["Messaging:Retry:OutageWindow"] = Window.ToString(),
            ["Messaging:Retry:OutageMinInterval"] = "00:00:00.010",
            ["Messaging:Retry:OutageMaxInterval"] = "00:00:00.040",
            ["Logging:LogLevel:Default"] = "None",
        });
        var log = new RetryLog(failures, fault);
        builder.Services.AddSingleton(log);
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<RetryProbeConsumer>();
            bus.AddConsumer<RetryProbeFaultConsumer>();
        });
        var host = builder.Build();
        await host.StartAsync();
        return new RetryBus(host, log);
    }

    public Task PublishAsync() => host.Services.GetRequiredService<IBus>().Publish(new RetryProbe(Guid.NewGuid()));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
