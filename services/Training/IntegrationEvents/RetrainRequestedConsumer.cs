using MassTransit;
using Platform.Contracts;

namespace Platform.Training.IntegrationEvents;

/// <summary>An operator's retrain: keyed by message id, so a redelivery does not train twice.</summary>
public sealed class RetrainRequestedConsumer(TrainingJob job) : IConsumer<RetrainRequested>
{
    public Task Consume(ConsumeContext<RetrainRequested> context) =>
        job.RetrainAsync(context.Message.ModelName, TriggerNames.Manual, $"manual:{context.MessageId ?? Guid.NewGuid()}", context.CancellationToken);
}
