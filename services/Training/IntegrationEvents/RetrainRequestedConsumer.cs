using MassTransit;
using Platform.Contracts;
using Platform.Training.Runs;

namespace Platform.Training.IntegrationEvents;

/// <summary>An operator's retrain: keyed by message id, so a redelivery does not queue twice.</summary>
public sealed class RetrainRequestedConsumer(RunQueue queue) : IConsumer<RetrainRequested>
{
    public Task Consume(ConsumeContext<RetrainRequested> context) =>
        queue.EnqueueRetrainAsync(context.Message.ModelName, TriggerNames.Manual, $"manual:{context.MessageId ?? Guid.NewGuid()}", context.CancellationToken);
}
