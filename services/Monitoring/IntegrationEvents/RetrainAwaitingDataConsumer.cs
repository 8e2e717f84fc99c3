using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;

namespace Platform.Monitoring.IntegrationEvents;

/// <summary>
/// Training waits for labelled rows before it retrains on a drift report: the report says so, "awaiting labelled data:
/// n of m rows", until the retrain starts.
/// </summary>
public sealed class RetrainAwaitingDataConsumer(MonitoringDbContext db) : IConsumer<RetrainAwaitingData>
{
    public const string Marker = "; retrain ";

    public async Task Consume(ConsumeContext<RetrainAwaitingData> context)
    {
        var message = context.Message;
        var report = await db.Reports.FirstOrDefaultAsync(r => r.Id == message.ReportId, context.CancellationToken);
        if (report is null) return;
        var decision = report.Decision.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0 ? report.Decision[..at] : report.Decision;
        report.Decision = decision + Marker + (message.Started
            ? $"started on {message.HaveRows} labelled rows newer than the drift"
            : $"awaiting labelled data: {message.HaveRows} of {message.NeededRows} rows");
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class RetrainAwaitingDataConsumerDefinition : ConsumerDefinition<RetrainAwaitingDataConsumer>
{
    public RetrainAwaitingDataConsumerDefinition()
    {
        EndpointName = "monitoring-retrain-awaiting-data";
        // In order: a "started" must not be overwritten by an older count.
        ConcurrentMessageLimit = 1;
    }
}
