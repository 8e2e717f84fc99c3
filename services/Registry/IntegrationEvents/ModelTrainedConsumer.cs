using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Registry.IntegrationEvents;

public sealed class ModelTrainedConsumer(ModelRegistrar registrar, IOptions<RegistryOptions> options, IHostApplicationLifetime lifetime) : IConsumer<ModelTrained>
{
    public async Task Consume(ConsumeContext<ModelTrained> context)
    {
        // Zero outside fault tests (RegistryOptions.ConsumeDelay): holds the event in the window they stop the process
        // in. A shutdown ends the wait, or the bus would hold the host's stop for the whole delay.
        if (options.Value.ConsumeDelay > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
            await Task.Delay(options.Value.ConsumeDelay, stop.Token);
        }

        await registrar.RegisterAsync(context.Message, context.CancellationToken);
    }
}

/// <summary>One registration at a time per replica, so version numbers are assigned in order; the unique index guards across replicas.</summary>
public sealed class ModelTrainedConsumerDefinition : ConsumerDefinition<ModelTrainedConsumer>
{
    public ModelTrainedConsumerDefinition() => ConcurrentMessageLimit = 1;
}
