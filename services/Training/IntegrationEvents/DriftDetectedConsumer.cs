using MassTransit;
using Platform.Contracts;
using Platform.Training.DataPolicy;

namespace Platform.Training.IntegrationEvents;

/// <summary>
/// Drift on a production model: retrain it once there are enough labelled rows newer than the drift (at once when
/// there are already); the retrain is queued through the <see cref="Runs.RunQueue"/> and the Registry's gate decides.
/// </summary>
public sealed class DriftDetectedConsumer(RetrainScheduler scheduler) : IConsumer<DriftDetected>
{
    public Task Consume(ConsumeContext<DriftDetected> context) => scheduler.OnDriftAsync(context.Message, context.CancellationToken);
}
