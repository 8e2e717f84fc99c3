using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.Infrastructure;

namespace Platform.Training.IntegrationEvents;

public sealed class RetrainRequestedConsumer(TrainingDbContext db, TrainingJob job, ILogger<RetrainRequestedConsumer> logger) : IConsumer<RetrainRequested>
{
    public async Task Consume(ConsumeContext<RetrainRequested> context)
    {
        var message = context.Message;
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == message.ModelName, context.CancellationToken);
        if (dataset is null)
        {
            logger.LogWarning("Retrain of {Model} requested, but no dataset is known for it", message.ModelName);
            return;
        }

        var key = $"manual:{context.MessageId ?? Guid.NewGuid()}";
        await job.RunAsync(new TrainingRequest(message.ModelName, dataset, TriggerNames.Manual, key), context.CancellationToken);
    }
}
