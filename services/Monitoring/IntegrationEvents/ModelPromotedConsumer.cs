using MassTransit;
using Platform.Contracts;

namespace Platform.Monitoring.IntegrationEvents;

public sealed class ModelPromotedConsumer(ReferenceLoader references) : IConsumer<ModelPromoted>
{
    public Task Consume(ConsumeContext<ModelPromoted> context) => references.LoadAsync(context.Message, context.CancellationToken);
}

public sealed class ModelPromotedConsumerDefinition : ConsumerDefinition<ModelPromotedConsumer>
{
    // Named after the service: Inference consumes ModelPromoted too, and the two must not share a queue.
    public ModelPromotedConsumerDefinition() => EndpointName = "monitoring-model-promoted";
}
