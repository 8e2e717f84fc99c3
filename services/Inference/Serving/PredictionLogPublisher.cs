using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults.InProcess;

namespace Platform.Inference.Serving;

/// <summary>
/// Drains the prediction log in batches of <see cref="InferenceOptions.LogBatchRows"/> and publishes them, one
/// <c>PredictionsLogged</c> per model version. In the embedded default (<paramref name="backlog"/> present: Monitoring
/// takes the batches in this process) it publishes only while fewer than <see cref="InferenceOptions.LogUnconsumedRows"/>
/// rows are queued on the in-memory bus; rows wait here meanwhile, under the same bound as rows a broker refuses.
/// A row is acknowledged to the log's spool once the broker confirmed its batch (the embedded default: once Monitoring
/// stored it), or once it is dropped and counted; rows still here at shutdown stay in the spool for the next start.
/// </summary>
public sealed class PredictionLogPublisher(PredictionLog log, IBus bus, IOptions<InferenceOptions> options, ILogger<PredictionLogPublisher> logger,
    InProcessBacklog? backlog = null) : BackgroundService
{
    private static readonly Counter<long> FailedRows = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.log.failed", description: "Logged predictions lost: held past Inference:LogRetryRows while the broker refused them or Monitoring in this process was behind (reason overflow), unserialisable (reason unserialisable), or still held at shutdown with the spool off (reason shutdown)");

    private static readonly Counter<long> RetriedRows = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.log.retried", description: "Logged predictions the broker refused, held to be published again");

    /// <summary>Rows dropped (by the log or by the retry bound) not yet reported in a published batch.</summary>
    private long _unreported;

    /// <summary>
    /// Held rows already found serialisable when the broker first refused them: a retry checks only the rows added since,
    /// so a long outage does not serialise every held row once per retry.
    /// </summary>
    private HashSet<LoggedPrediction> _serialisable = new(ReferenceEqualityComparer.Instance);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (backlog is not null) ObserveBacklog(backlog);
        // Rows not yet published, oldest first: the next batch, plus (while the broker refuses, or Monitoring in this
        // process is behind) every row held.
        var pending = new List<LoggedRow>(settings.LogBatchRows);
        var backoff = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var retrying = backoff > TimeSpan.Zero;
                if (!retrying && backlog is not null && !HasRoom(backlog, settings.LogBatchRows, settings))
                {
                    await HoldAsync(backlog, pending, settings, stoppingToken);
                    continue;
                }

                if (!retrying && pending.Count == 0) await log.Reader.WaitToReadAsync(stoppingToken);
                await CollectAsync(pending, retrying ? backoff : settings.LogFlushInterval,
                    retrying ? settings.LogRetryRows + settings.LogBatchRows : settings.LogBatchRows, retrying, stoppingToken);
                DropOldest(pending, settings.LogRetryRows);

                var refused = await PublishAsync(pending, settings, stoppingToken);
                backoff = !refused ? TimeSpan.Zero
                    : retrying ? TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.LogRetryMaxDelay.Ticks))
                    : settings.LogRetryInitialDelay;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still here is kept in the spool, or lost without one (below).
        }

        var left = pending.Count + log.Reader.Count;
        if (left == 0) return;
        if (log.Spool is not null)
        {
            logger.LogInformation("Stopping with {Left} logged predictions not yet published: kept in the spool, published at the next start", left);
            return;
        }

        FailedRows.Add(left, new KeyValuePair<string, object?>("reason", "shutdown"));
        logger.LogWarning("Stopping with {Lost} logged predictions not yet published and the spool off (Inference:LogSpoolPath): they are lost (Monitoring will not see them)", left);
    }

    /// <summary>
    /// The one publish path: the pending rows go out in batches of <see cref="InferenceOptions.LogBatchRows"/>, oldest
    /// first, until the bus refuses one or (embedded default) the queue to Monitoring is at its bound. What was not
    /// published stays in <paramref name="pending"/>, in order. Returns whether the bus refused (back off and retry).
    /// </summary>
    private async Task<bool> PublishAsync(List<LoggedRow> pending, InferenceOptions settings, CancellationToken stoppingToken)
    {
        var sent = 0;
        List<LoggedRow> refused = [];
        while (sent < pending.Count && refused.Count == 0)
        {
            var count = Math.Min(settings.LogBatchRows, pending.Count - sent);
            if (backlog is not null && !HasRoom(backlog, count, settings)) break;
            refused = await PublishBatchAsync(pending.GetRange(sent, count), settings.Replica, stoppingToken);
            sent += count;
        }

        pending.RemoveRange(0, sent);
        pending.InsertRange(0, refused);
        return refused.Count > 0;
    }

    /// <summary>Whether <paramref name="rows"/> more fit under the bound; a batch always fits an empty queue.</summary>
    private static bool HasRoom(InProcessBacklog backlog, int rows, InferenceOptions settings) =>
        backlog.Rows == 0 || backlog.Rows + rows <= settings.LogUnconsumedRows;

    /// <summary>
    /// Monitoring, in this process, has not yet taken in what was published: waits until it takes a batch (or a flush
    /// interval), moving new rows from the log to here so that the log's buffer does not fill and sample.
    /// </summary>
    private async Task HoldAsync(InProcessBacklog backlog, List<LoggedRow> pending, InferenceOptions settings, CancellationToken stoppingToken)
    {
        await backlog.WaitTakenAsync(settings.LogFlushInterval, stoppingToken);
        while (pending.Count < settings.LogRetryRows + settings.LogBatchRows && log.Reader.TryRead(out var record)) pending.Add(record);
        DropOldest(pending, settings.LogRetryRows);
    }

    /// <summary>The queue between this publisher and Monitoring, for the operator and for the bound's test.</summary>
    private static void ObserveBacklog(InProcessBacklog backlog)
    {
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.unconsumed", () => backlog.Rows,
            description: "Logged predictions published on the in-memory bus and not yet taken by Monitoring (embedded default)");
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.unconsumed_peak", () => backlog.Peak,
            description: "The most logged predictions ever queued on the in-memory bus at once since start (bounded by Inference:LogUnconsumedRows)");
    }

    /// <summary>
    /// How long a batch being collected waits, after a row arrives, before it reads again. Woken by every request's
    /// write instead, the publisher ran a thread-pool continuation (and a new cancellable wait) per predict: about 3% of
    /// the gateway's CPU per single-row request. A full batch goes out at most this much later.
    /// </summary>
    private static readonly TimeSpan CollectPause = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Reads rows for up to <paramref name="window"/> or until <paramref name="limit"/> are pending. While retrying,
    /// the whole window is waited (it is the backoff) and rows keep being collected, so the log's buffer stays free.
    /// </summary>
    private async Task CollectAsync(List<LoggedRow> pending, TimeSpan window, int limit, bool retrying, CancellationToken stoppingToken)
    {
        using var timer = new CancellationTokenSource(window);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stoppingToken);
        try
        {
            while (true)
            {
                while (pending.Count < limit && log.Reader.TryRead(out var record)) pending.Add(record);
                if (pending.Count >= limit)
                {
                    if (!retrying) return;
                    await Task.Delay(Timeout.Infinite, linked.Token);
                }

                // Rows come one request at a time: once one is there, wait a little for more, so that under load this
                // wakes about once per CollectPause rather than for every predict's write.
                await log.Reader.WaitToReadAsync(linked.Token);
                await Task.Delay(CollectPause, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The window elapsed: publish what there is.
        }
    }

    private long _lastDropWarning;

    /// <summary>Keeps memory bounded during a long outage: the oldest held rows go first (counted, and reported as dropped).</summary>
    private void DropOldest(List<LoggedRow> pending, int bound)
    {
        var excess = pending.Count - bound;
        if (excess <= 0) return;
        log.Acknowledge(pending.GetRange(0, excess));
        pending.RemoveRange(0, excess);
        _unreported += excess;
        FailedRows.Add(excess, new KeyValuePair<string, object?>("reason", "overflow"));
        // While Monitoring is behind this runs at every batch it takes: one line a second says as much.
        if (Stopwatch.GetElapsedTime(_lastDropWarning) < TimeSpan.FromSeconds(1)) return;
        _lastDropWarning = Stopwatch.GetTimestamp();
        logger.LogWarning("Logged predictions could not be published for a while (the broker refused them, or Monitoring in this process is behind): dropped the {Excess} oldest held rows (Inference:LogRetryRows = {Bound})", excess, bound);
    }

    /// <summary>
    /// One <c>PredictionsLogged</c> per model version; returns the rows of the batches the broker refused, to be retried.
    /// A batch that cannot be serialised is searched for the rows that break it, which are dropped (counted, logged),
    /// and the rest is published: one bad row never costs the other rows or models of a flush.
    /// </summary>
    private async Task<List<LoggedRow>> PublishBatchAsync(List<LoggedRow> records, string replica, CancellationToken cancellationToken)
    {
        _unreported += log.TakeDropped();
        var refused = new List<LoggedRow>();
        foreach (var group in records.GroupBy(r => (r.Record.Model, r.Record.Version)))
        {
            var members = group.ToList();
            var rows = members.Select(r => r.Record.Prediction).ToList();
            var first = members[0].Record;
            try
            {
                try
                {
                    await PublishGroupAsync(first, rows, members, _unreported, replica, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && RemoveUnserialisable(rows, _serialisable) is > 0 and var bad)
                {
                    FailedRows.Add(bad, new KeyValuePair<string, object?>("reason", "unserialisable"));
                    logger.LogError(ex, "Dropped {Bad} logged predictions of {Model} v{Version} that cannot be serialised; publishing the other {Count}",
                        bad, group.Key.Model, group.Key.Version, rows.Count);
                    // The dropped rows are acknowledged with the published ones (or alone, when none is left).
                    if (rows.Count > 0) await PublishGroupAsync(first, rows, members, _unreported, replica, cancellationToken);
                    else log.Acknowledge(members);
                }

                _unreported = 0;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The broker is away: keep the rows for a retry; serving goes on regardless, and so do the other groups.
                logger.LogWarning(ex, "Could not publish {Count} logged predictions of {Model} v{Version}; holding them for a retry", rows.Count, group.Key.Model, group.Key.Version);
                RetriedRows.Add(rows.Count);
                var kept = rows.ToHashSet(ReferenceEqualityComparer.Instance);
                refused.AddRange(members.Where(r => kept.Contains(r.Record.Prediction)));
                log.Acknowledge(members.Where(r => !kept.Contains(r.Record.Prediction)).ToList()); // dropped as unserialisable
            }
        }

        // Every refused row went through the check above (a refusal always does), so the held rows are known good.
        _serialisable = new HashSet<LoggedPrediction>(refused.Select(r => r.Record.Prediction), ReferenceEqualityComparer.Instance);
        return refused;
    }

    /// <summary>
    /// Publishes one batch; <paramref name="members"/> (its rows, and rows of it dropped as unserialisable) are
    /// acknowledged to the spool once the broker confirmed it (MassTransit's publish returns after RabbitMQ's publisher
    /// confirm) or, in the embedded default, once Monitoring has stored it: the in-memory bus dies with the process.
    /// </summary>
    private async Task PublishGroupAsync(PredictionRecord first, List<LoggedPrediction> rows, List<LoggedRow> members, long dropped, string replica,
        CancellationToken cancellationToken)
    {
        // A batch starts its own trace: drift found in it leads to a retrain that is one trace from here.
        Activity.Current = null;
        using var activity = PlatformTelemetry.Source.StartActivity($"log predictions {first.Model}", ActivityKind.Producer, parentContext: default);
        var batch = new PredictionsLogged(Guid.NewGuid(), first.Model, first.Version, replica,
            first.NumericFeatures, first.CategoricalFeatures, rows.ToArray(), dropped, rows.Min(r => r.At), rows.Max(r => r.At));
        backlog?.Publishing(batch.BatchId, rows.Count, () => log.Acknowledge(members));
        try
        {
            await bus.Publish(batch, cancellationToken);
        }
        catch
        {
            backlog?.NotPublished(batch.BatchId); // not queued after all
            throw;
        }

        if (backlog is null) log.Acknowledge(members);
    }

    /// <summary>Removes the rows the bus's serializer refuses, checking only those not in <paramref name="known"/>; returns how many.</summary>
    internal static int RemoveUnserialisable(List<LoggedPrediction> rows, IReadOnlySet<LoggedPrediction>? known = null) => rows.RemoveAll(row =>
    {
        if (known?.Contains(row) == true) return false;
        try
        {
            JsonSerializer.Serialize(row, SystemTextJsonMessageSerializer.Options);
            return false;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return true;
        }
    });
}
