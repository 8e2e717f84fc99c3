using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Inference.Serving;

namespace Platform.Inference.IntegrationEvents;

/// <summary>
/// Swaps the promoted version in. Every replica must see every promotion, so each has its own queue. A version that
/// cannot be loaded (bad download, hash mismatch, a graph ONNX Runtime refuses, a failing warm-up) leaves the current
/// one in service and is reported: an error log, the <c>platform.inference.load.failed</c> counter and a
/// <see cref="ModelLoadFailed"/> event. It is not retried: HTTP faults are already retried by the client's resilience
/// handler, and a broken artifact stays broken.
/// </summary>
public sealed class ModelPromotedConsumer(ModelLoader loader, ModelCatalog catalog, IOptions<InferenceOptions> options, ILogger<ModelPromotedConsumer> logger)
    : IConsumer<ModelPromoted>
{
    public async Task Consume(ConsumeContext<ModelPromoted> context)
    {
        var message = context.Message;
        try
        {
            await loader.LoadAsync(new ModelToLoad(message.ModelName, message.Version, message.PromotedAt, message.ArtifactUri, message.ArtifactSha256), context.CancellationToken);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            var served = catalog.Current(message.ModelName)?.Version;
            ModelLoader.LoadFailures.Add(1, new KeyValuePair<string, object?>("model", message.ModelName), new KeyValuePair<string, object?>("version", message.Version));
            logger.LogError(ex, "Could not load {Model} v{Version}; still serving v{Served}", message.ModelName, message.Version, served);
            await context.Publish(new ModelLoadFailed(message.ModelName, message.Version, served, options.Value.Replica,
                $"{ex.GetType().Name}: {ex.Message}", DateTimeOffset.UtcNow), context.CancellationToken);
        }
    }
}

public sealed class ModelPromotedConsumerDefinition : ConsumerDefinition<ModelPromotedConsumer>
{
    public ModelPromotedConsumerDefinition()
    {
        // A temporary queue per replica (auto-deleted when it stops): fan-out, not competing consumers. A promotion
        // published while a replica is disconnected (broker restart, the replica's own restart) never reaches it;
        // RegistryReconciler catches that up within Inference:ReconcileInterval. A durable queue per replica would
        // need a stable replica identity and leave orphaned queues behind scaled-down replicas: reconciliation is
        // needed anyway (a replica that starts after a promotion), so it is the one mechanism relied on.
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = $"{Environment.MachineName}-{Guid.NewGuid():N}".ToLowerInvariant();
            endpoint.Temporary = true;
        });
        ConcurrentMessageLimit = 1;
    }
}
