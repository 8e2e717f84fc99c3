using MassTransit;

namespace Platform.Training.IntegrationEvents;

/// <summary>
/// The consumers only record requests (the runner trains); one at a time per endpoint keeps "join the waiting run"
/// free of races between two requests for the same model.
/// </summary>
public sealed class TrainingConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    public TrainingConsumerDefinition() => ConcurrentMessageLimit = 1;
}
