using MassTransit;
using Platform.Contracts;
using Platform.Inference.Serving;

namespace Platform.Inference.IntegrationEvents;

/// <summary>Swaps the promoted version in. Every replica must see every promotion, so each has its own queue.</summary>
public sealed class ModelPromotedConsumer(ModelLoader loader) : IConsumer<ModelPromoted>
{
    public Task Consume(ConsumeContext<ModelPromoted> context)
    {
        var message = context.Message;
        return loader.LoadAsync(new ModelToLoad(message.ModelName, message.Version, message.PromotedAt, message.ArtifactUri, message.ArtifactSha256), context.CancellationToken);
    }
}

public sealed class ModelPromotedConsumerDefinition : ConsumerDefinition<ModelPromotedConsumer>
{
    public ModelPromotedConsumerDefinition()
    {
        // A temporary queue per replica (auto-deleted when it stops): fan-out, not competing consumers.
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = $"{Environment.MachineName}-{Guid.NewGuid():N}".ToLowerInvariant();
            endpoint.Temporary = true;
        });
        ConcurrentMessageLimit = 1;
    }
}
