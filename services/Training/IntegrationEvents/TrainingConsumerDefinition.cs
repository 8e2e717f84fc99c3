using MassTransit;

namespace Platform.Training.IntegrationEvents;

/// <summary>Training is CPU-bound: one run at a time per replica; scale out with replicas, not threads.</summary>
public sealed class TrainingConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    public TrainingConsumerDefinition() => ConcurrentMessageLimit = 1;
}
