using MassTransit;
using Platform.Contracts;

namespace Platform.Registry.IntegrationEvents;

public sealed class ModelTrainedConsumer(ModelRegistrar registrar) : IConsumer<ModelTrained>
{
    public Task Consume(ConsumeContext<ModelTrained> context) => registrar.RegisterAsync(context.Message, context.CancellationToken);
}

/// <summary>One registration at a time per replica, so version numbers are assigned in order; the unique index guards across replicas.</summary>
public sealed class ModelTrainedConsumerDefinition : ConsumerDefinition<ModelTrainedConsumer>
{
    public ModelTrainedConsumerDefinition() => ConcurrentMessageLimit = 1;
}
