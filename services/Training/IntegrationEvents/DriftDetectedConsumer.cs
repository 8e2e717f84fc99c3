using MassTransit;
using Platform.Contracts;

namespace Platform.Training.IntegrationEvents;

/// <summary>Drift on a production model: retrain it on its newest dataset version; the Registry's gate decides.</summary>
public sealed class DriftDetectedConsumer(TrainingJob job) : IConsumer<DriftDetected>
{
    public Task Consume(ConsumeContext<DriftDetected> context) =>
        job.RetrainAsync(context.Message.ModelName, TriggerNames.Drift, $"drift:{context.Message.ReportId}", context.CancellationToken);
}
