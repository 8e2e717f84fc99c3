using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Outbox;

/// <summary>
/// Publishes committed outbox rows in order, with broker confirms (MassTransit's RabbitMQ default), and marks them
/// dispatched. Delivery is at least once: a crash after the publish and before the mark publishes again on restart,
/// which is why every consumer is idempotent on a natural key.
/// </summary>
internal sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IBus bus,
    IConfiguration configuration,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private const int BatchSize = 100;

    /// <summary>
    /// Test-only (<c>Outbox:DispatchDelay</c>, zero everywhere else): rows younger than this wait for a later pass, so
    /// that a fault test can kill the process between "committed and answered" and "published".
    /// </summary>
    private readonly TimeSpan _dispatchDelay = configuration.GetValue("Outbox:DispatchDelay", TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) == BatchSize) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Outbox dispatch of {Context} failed; retrying", typeof(TContext).Name);
            }

            await MeasureBacklogAsync(stoppingToken);

            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    private async Task MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await OutboxBacklog.MeasureAsync(scope.ServiceProvider.GetRequiredService<TContext>(), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Measuring the outbox backlog of {Context} failed", typeof(TContext).Name);
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        DateTimeOffset? cutoff = _dispatchDelay > TimeSpan.Zero ? DateTimeOffset.UtcNow - _dispatchDelay : null;
        var pending = await db.Unpublished(cutoff).Take(BatchSize).ToListAsync(cancellationToken);

        foreach (var row in pending)
        {
            try
            {
                await PublishAsync(row, cancellationToken);
                row.DispatchedAt = DateTimeOffset.UtcNow;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                row.Attempts++;
                row.LastError = ex.Message;
                await db.SaveChangesAsync(cancellationToken);
                throw;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return pending.Count;
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = typeof(Platform.Contracts.DatasetUploaded).Assembly.GetType(row.MessageType)
            ?? throw new InvalidOperationException($"Unknown outbox message type '{row.MessageType}'.");
        var message = JsonSerializer.Deserialize(row.Payload, type, OutboxMessage.Json)!;

        // Continue the trace of the request or consumer that wrote the row.
        ActivityContext.TryParse(row.TraceParent, row.TraceState, out var parent);
        using var activity = PlatformTelemetry.Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer, parent);
        await bus.Publish(message, type, cancellationToken);
    }
}
