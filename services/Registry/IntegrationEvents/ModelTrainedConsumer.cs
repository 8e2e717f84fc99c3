using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Registry.IntegrationEvents;

public sealed class ModelTrainedConsumer(ModelRegistrar registrar, IOptions<RegistryOptions> options) : IConsumer<ModelTrained>
{
    public async Task Consume(ConsumeContext<ModelTrained> context)
    {
        // Zero outside fault tests (RegistryOptions.ConsumeDelay): holds the event in the window they stop the process in.
        if (options.Value.ConsumeDelay > TimeSpan.Zero) await Task.Delay(options.Value.ConsumeDelay, context.CancellationToken);
        await registrar.RegisterAsync(context.Message, context.CancellationToken);
    }
}

/// <summary>One registration at a time per replica, so version numbers are assigned in order; the unique index guards across replicas.</summary>
public sealed class ModelTrainedConsumerDefinition : ConsumerDefinition<ModelTrainedConsumer>
{
    public ModelTrainedConsumerDefinition() => ConcurrentMessageLimit = 1;
}
