using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.Infrastructure;

namespace Platform.Training.IntegrationEvents;

/// <summary>Drift on a production model: retrain it on its newest dataset version; the Registry's gate decides.</summary>
public sealed class DriftDetectedConsumer(TrainingDbContext db, TrainingJob job, ILogger<DriftDetectedConsumer> logger) : IConsumer<DriftDetected>
{
    public async Task Consume(ConsumeContext<DriftDetected> context)
    {
        var message = context.Message;
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == message.ModelName, context.CancellationToken);
        if (dataset is null)
        {
            logger.LogWarning("Drift on {Model}, but no dataset is known for it; nothing to retrain on", message.ModelName);
            return;
        }

        await job.RunAsync(new TrainingRequest(message.ModelName, dataset, TriggerNames.Drift, $"drift:{message.ReportId}"), context.CancellationToken);
    }
}
