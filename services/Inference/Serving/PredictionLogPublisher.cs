using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>Drains the prediction log in batches per model version and publishes them as <c>PredictionsLogged</c>.</summary>
public sealed class PredictionLogPublisher(PredictionLog log, IBus bus, IOptions<InferenceOptions> options, ILogger<PredictionLogPublisher> logger) : BackgroundService
{
    private static readonly Counter<long> FailedRows = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.log.failed", description: "Logged predictions lost: the broker refused their batch (reason publish) or they could not be serialised (reason unserialisable)");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var pending = new List<PredictionRecord>(settings.LogBatchRows);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await log.Reader.WaitToReadAsync(stoppingToken);
                using (var window = new CancellationTokenSource(settings.LogFlushInterval))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, stoppingToken))
                {
                    try
                    {
                        while (pending.Count < settings.LogBatchRows)
                        {
                            while (pending.Count < settings.LogBatchRows && log.Reader.TryRead(out var record)) pending.Add(record);
                            if (pending.Count < settings.LogBatchRows) await log.Reader.WaitToReadAsync(linked.Token);
                        }
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The flush interval elapsed: publish what there is.
                    }
                }

                await PublishAsync(pending, settings.Replica, stoppingToken);
                pending.Clear();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not publish {Count} logged predictions", pending.Count);
                FailedRows.Add(pending.Count, new KeyValuePair<string, object?>("reason", "publish"));
                pending.Clear();
            }
        }
    }

    /// <summary>
    /// One <c>PredictionsLogged</c> per model version. A batch the broker refuses loses only its own rows; a batch that
    /// cannot be serialised is searched for the rows that break it, which are dropped (counted, logged), and the rest
    /// is published: one bad row never costs the other rows or models of a flush.
    /// </summary>
    private async Task PublishAsync(List<PredictionRecord> records, string replica, CancellationToken cancellationToken)
    {
        var dropped = log.TakeDropped();
        foreach (var group in records.GroupBy(r => (r.Model, r.Version)))
        {
            var rows = group.Select(r => r.Prediction).ToList();
            var first = group.First();
            try
            {
                try
                {
                    await PublishGroupAsync(first, rows, dropped, replica, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && RemoveUnserialisable(rows) is > 0 and var bad)
                {
                    FailedRows.Add(bad, new KeyValuePair<string, object?>("reason", "unserialisable"));
                    logger.LogError(ex, "Dropped {Bad} logged predictions of {Model} v{Version} that cannot be serialised; publishing the other {Count}",
                        bad, group.Key.Model, group.Key.Version, rows.Count);
                    if (rows.Count > 0) await PublishGroupAsync(first, rows, dropped, replica, cancellationToken);
                }

                dropped = 0;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The broker is away: these rows are lost (and counted); serving goes on regardless, and so do the other groups.
                logger.LogWarning(ex, "Could not publish {Count} logged predictions of {Model} v{Version}", rows.Count, group.Key.Model, group.Key.Version);
                FailedRows.Add(rows.Count, new KeyValuePair<string, object?>("reason", "publish"));
            }
        }
    }

    private async Task PublishGroupAsync(PredictionRecord first, List<LoggedPrediction> rows, long dropped, string replica, CancellationToken cancellationToken)
    {
        // A batch starts its own trace: drift found in it leads to a retrain that is one trace from here.
        Activity.Current = null;
        using var activity = PlatformTelemetry.Source.StartActivity($"log predictions {first.Model}", ActivityKind.Producer, parentContext: default);
        await bus.Publish(new PredictionsLogged(Guid.NewGuid(), first.Model, first.Version, replica,
            first.NumericFeatures, first.CategoricalFeatures, rows.ToArray(), dropped, rows.Min(r => r.At), rows.Max(r => r.At)), cancellationToken);
    }

    /// <summary>Removes the rows the bus's serializer refuses; returns how many.</summary>
    internal static int RemoveUnserialisable(List<LoggedPrediction> rows) => rows.RemoveAll(row =>
    {
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
