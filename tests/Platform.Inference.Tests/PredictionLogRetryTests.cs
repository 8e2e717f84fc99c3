using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Inference.Serving;
using Platform.ServiceDefaults.InProcess;
using Platform.Tests;

namespace Platform.Inference.Tests;

public sealed class PredictionLogRetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rows_the_broker_refuses_are_held_and_published_once_it_is_back()
    {
        var options = Options.Create(new InferenceOptions
        {
            LogBatchRows = 50, LogFlushInterval = TimeSpan.FromMilliseconds(20),
            LogRetryInitialDelay = TimeSpan.FromMilliseconds(20), LogRetryMaxDelay = TimeSpan.FromMilliseconds(100),
        });
        using var folder = new SpoolFolder();
        options.Value.LogSpoolPath = folder.Path;
        using var log = new PredictionLog(options).Started();
        var bus = FlakyBus.Create(refusals: 5);
        using var publisher = new PredictionLogPublisher(log, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);

        var written = Write(log, "a", 120).Concat(Write(log, "b", 80)).ToList();
        await Eventually.HoldsAsync(() => bus.Published.Sum(p => p.Predictions.Count) >= written.Count, Timeout, "every logged row published");
        await publisher.StopAsync(CancellationToken.None);

        Assert.True(bus.Refused >= 5);
        var published = bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList();
        Assert.Equal(written.Order(), published.Order()); // none lost, none twice
        Assert.All(bus.Published, p => Assert.Equal(0, p.Dropped));
    }

    [Fact]
    public async Task Past_the_retry_bound_the_oldest_held_rows_are_dropped_and_reported()
    {
        var options = Options.Create(new InferenceOptions
        {
            LogBatchRows = 10, LogRetryRows = 30, LogFlushInterval = TimeSpan.FromMilliseconds(20),
            LogRetryInitialDelay = TimeSpan.FromMilliseconds(20), LogRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        });
        using var folder = new SpoolFolder();
        options.Value.LogSpoolPath = folder.Path;
        using var log = new PredictionLog(options).Started();
        var bus = FlakyBus.Create(refusals: int.MaxValue);
        using var publisher = new PredictionLogPublisher(log, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);

        var written = Write(log, "a", 100);
        await Eventually.HoldsAsync(() => log.Reader.Count == 0 && bus.Refused >= 3, Timeout, "the publisher holding the rows and retrying");
        bus.Recover();
        await Eventually.HoldsAsync(() => bus.Published.Sum(p => p.Predictions.Count) >= 30, Timeout, "the held rows published");
        await publisher.StopAsync(CancellationToken.None);

        var published = bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList();
        Assert.Equal(written.TakeLast(30), published);                 // the newest rows, in order
        Assert.Equal(70, bus.Published.Sum(p => p.Dropped));            // the oldest ones, reported
    }

    [Fact]
    public async Task In_the_embedded_default_rows_wait_while_the_queue_to_Monitoring_is_full_and_past_the_retry_bound_the_oldest_are_dropped()
    {
        var options = Options.Create(new InferenceOptions
        {
            LogBatchRows = 10, LogUnconsumedRows = 30, LogRetryRows = 50, LogFlushInterval = TimeSpan.FromMilliseconds(20),
        });
        using var folder = new SpoolFolder();
        options.Value.LogSpoolPath = folder.Path;
        using var log = new PredictionLog(options).Started();
        var bus = FlakyBus.Create(refusals: 0);
        var backlog = new InProcessBacklog();
        using var publisher = new PredictionLogPublisher(log, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance, backlog);
        await publisher.StartAsync(CancellationToken.None);

        // Nobody takes the batches (Monitoring is behind): three batches fill the queue, the other rows wait in the publisher.
        var written = Write(log, "a", 200);
        await Eventually.HoldsAsync(() => log.Reader.Count == 0 && bus.Published.Sum(p => p.Predictions.Count) == 30, Timeout, "the queue full and every row held");
        await Task.Delay(200);
        Assert.Equal(30, bus.Published.Sum(p => p.Predictions.Count));
        Assert.Equal(30, backlog.Rows);

        // Monitoring takes batches again: the held rows go out, the newest 50 (Inference:LogRetryRows), never more than 30 queued.
        var taken = new HashSet<Guid>();
        await Eventually.HoldsAsync(() =>
        {
            foreach (var batch in bus.Published) if (taken.Add(batch.BatchId)) backlog.Taken(batch.BatchId);
            return bus.Published.Sum(p => p.Predictions.Count) >= 80;
        }, Timeout, "the held rows published");
        await publisher.StopAsync(CancellationToken.None);

        var published = bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList();
        Assert.Equal(written.Take(30).Concat(written.TakeLast(50)), published);
        Assert.Equal(120, bus.Published.Sum(p => p.Dropped));
        Assert.All(bus.Published, p => Assert.True(p.Predictions.Count <= 10));
        Assert.Equal(30, backlog.Peak);
    }

    private static List<Guid> Write(PredictionLog log, string model, int rows)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < rows; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            log.Write(new PredictionRecord(model, 1, ["x"], [], new LoggedPrediction(id, DateTimeOffset.UtcNow, [i], [], "1", null)));
        }

        return ids;
    }

    /// <summary>An in-memory bus whose Publish fails (as when the broker is down) until it recovers; records what it published.</summary>
    public class FlakyBus : DispatchProxy
    {
        private int _refusalsLeft;
        private int _refused;

        public ConcurrentQueue<PredictionsLogged> Published { get; } = new();
        public int Refused => Volatile.Read(ref _refused);

        /// <summary>The proxy as the bus the publisher is given.</summary>
        public IBus Bus => (IBus)(object)this;

        public static FlakyBus Create(int refusals)
        {
            var proxy = (FlakyBus)(object)Create<IBus, FlakyBus>();
            proxy._refusalsLeft = refusals;
            return proxy;
        }

        public void Recover() => Volatile.Write(ref _refusalsLeft, 0);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is not { Name: "Publish" } || args is not [PredictionsLogged message, CancellationToken])
                throw new NotSupportedException(targetMethod?.Name);
            if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
            {
                Interlocked.Increment(ref _refused);
                return Task.FromException(new InvalidOperationException("broker unreachable"));
            }

            Published.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
