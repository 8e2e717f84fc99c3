using MassTransit;
using Platform.Contracts;

namespace Platform.Monitoring.IntegrationEvents;

/// <summary>Ingestion stored a submission of labelled rows (answers to other producers' submissions are ignored).</summary>
public sealed class DatasetAcceptedConsumer(LabelledRowSubmitter submitter) : IConsumer<DatasetAccepted>
{
    public Task Consume(ConsumeContext<DatasetAccepted> context) =>
        submitter.AnsweredAsync(context.Message.CorrelationId, context.Message.Version, null, context.CancellationToken);
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
