using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>Drains the prediction log in batches per model version and publishes them as <c>PredictionsLogged</c>.</summary>
public sealed class PredictionLogPublisher(PredictionLog log, IBus bus, IOptions<InferenceOptions> options, ILogger<PredictionLogPublisher> logger) : BackgroundService
{
    private static readonly Counter<long> FailedRows = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.log.failed", description: "Logged predictions lost because the broker refused the batch");

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
                // The broker is away: these rows are lost (and counted); serving goes on regardless.
                logger.LogWarning(ex, "Could not publish {Count} logged predictions", pending.Count);
                FailedRows.Add(pending.Count);
                pending.Clear();
            }
        }
    }

    private async Task PublishAsync(List<PredictionRecord> records, string replica, CancellationToken cancellationToken)
    {
        var dropped = log.TakeDropped();
        foreach (var group in records.GroupBy(r => (r.Model, r.Version)))
        {
            // A batch starts its own trace: drift found in it leads to a retrain that is one trace from here.
            Activity.Current = null;
            using var activity = PlatformTelemetry.Source.StartActivity($"log predictions {group.Key.Model}", ActivityKind.Producer, parentContext: default);
            var first = group.First();
            var rows = group.Select(r => r.Prediction).ToArray();
            await bus.Publish(new PredictionsLogged(Guid.NewGuid(), group.Key.Model, group.Key.Version, replica,
                first.NumericFeatures, first.CategoricalFeatures, rows, dropped, rows.Min(r => r.At), rows.Max(r => r.At)), cancellationToken);
            dropped = 0;
        }
    }
}
