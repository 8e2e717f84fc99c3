using MassTransit;
using Platform.Contracts;
using Platform.ServiceDefaults.InProcess;

namespace Platform.Monitoring.IntegrationEvents;

/// <param name="backlog">
/// Present in the embedded default: the batch leaves the bounded queue as soon as it is started on, and once stored
/// Inference may forget its copy (the prediction-log spool).
/// </param>
public sealed class PredictionsLoggedConsumer(DriftMonitor monitor, InProcessBacklog? backlog = null) : IConsumer<PredictionsLogged>
{
    public async Task Consume(ConsumeContext<PredictionsLogged> context)
    {
        backlog?.Taken(context.Message.BatchId);
        await monitor.AddAsync(context.Message, context.CancellationToken);
        backlog?.Stored(context.Message.BatchId);
    }
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
