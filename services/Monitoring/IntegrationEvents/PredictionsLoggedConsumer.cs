using MassTransit;
using Platform.Contracts;

namespace Platform.Monitoring.IntegrationEvents;

public sealed class PredictionsLoggedConsumer(DriftMonitor monitor) : IConsumer<PredictionsLogged>
{
    public Task Consume(ConsumeContext<PredictionsLogged> context) => monitor.AddAsync(context.Message, context.CancellationToken);
}

/// <summary>Windows are filled in order: one batch at a time per replica.</summary>
public sealed class PredictionsLoggedConsumerDefinition : ConsumerDefinition<PredictionsLoggedConsumer>
{
    public PredictionsLoggedConsumerDefinition()
    {
        EndpointName = "monitoring-predictions-logged";
        ConcurrentMessageLimit = 1;
    }
}
