using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;

namespace Platform.Monitoring.IntegrationEvents;

/// <summary>
/// Ingestion stored a submission of labelled rows (answers to other producers' submissions are ignored): the next
/// batch, if one is due, goes at once rather than at the next feedback or sweep, so a backlog drains at Ingestion's pace.
/// </summary>
public sealed class DatasetAcceptedConsumer(LabelledRowSubmitter submitter, MonitoringDbContext db, WindowGate gate) : IConsumer<DatasetAccepted>
{
    public async Task Consume(ConsumeContext<DatasetAccepted> context)
    {
        var model = await submitter.AnsweredAsync(context.Message.CorrelationId, context.Message.Version, null, context.CancellationToken);
        if (model is null) return;
        using var _ = await gate.EnterAsync(context.CancellationToken);
        var reference = await db.References.AsNoTracking().FirstOrDefaultAsync(r => r.ModelName == model, context.CancellationToken);
        if (reference is not null) await submitter.SubmitDueAsync(reference, context.CancellationToken);
    }
}

/// <summary>Ingestion refused a submission of labelled rows: they stay out of training, and the reasons are kept.</summary>
public sealed class DatasetRejectedConsumer(LabelledRowSubmitter submitter) : IConsumer<DatasetRejected>
{
    public Task Consume(ConsumeContext<DatasetRejected> context) =>
        submitter.AnsweredAsync(context.Message.CorrelationId, null,
            string.Join("; ", context.Message.Reasons.Take(5).Select(r => $"{r.Code}: {r.Message}")), context.CancellationToken);
}

public sealed class DatasetAcceptedConsumerDefinition : ConsumerDefinition<DatasetAcceptedConsumer>
{
    public DatasetAcceptedConsumerDefinition() => EndpointName = "monitoring-dataset-accepted";
}

public sealed class DatasetRejectedConsumerDefinition : ConsumerDefinition<DatasetRejectedConsumer>
{
    public DatasetRejectedConsumerDefinition() => EndpointName = "monitoring-dataset-rejected";
}
