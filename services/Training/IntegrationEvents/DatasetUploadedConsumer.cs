using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.IntegrationEvents;

/// <summary>A new dataset version: remember it as the model's newest data and train on it.</summary>
public sealed class DatasetUploadedConsumer(TrainingDbContext db, TrainingJob job) : IConsumer<DatasetUploaded>
{
    public async Task Consume(ConsumeContext<DatasetUploaded> context)
    {
        var message = context.Message;
        var modelName = message.DatasetName;
        var pointer = await db.Datasets.FirstOrDefaultAsync(d => d.ModelName == modelName, context.CancellationToken);
        if (pointer is null)
        {
            pointer = new DatasetPointer
            {
                ModelName = modelName, DatasetName = message.DatasetName, Sha256 = message.Sha256,
                Target = message.Target, Task = message.Task, ContentUri = message.ContentUri.ToString(),
            };
            db.Datasets.Add(pointer);
        }

        if (message.Version >= pointer.DatasetVersion)
        {
            pointer.DatasetVersion = message.Version;
            pointer.DatasetVersionId = message.DatasetVersionId;
            pointer.Sha256 = message.Sha256;
            pointer.Target = message.Target;
            pointer.Task = message.Task;
            pointer.ContentUri = message.ContentUri.ToString();
        }

        await db.SaveChangesAsync(context.CancellationToken);

        var trained = new DatasetPointer
        {
            ModelName = modelName, DatasetName = message.DatasetName, DatasetVersion = message.Version, DatasetVersionId = message.DatasetVersionId,
            Sha256 = message.Sha256, Target = message.Target, Task = message.Task, ContentUri = message.ContentUri.ToString(),
        };
        await job.RunAsync(new TrainingRequest(modelName, trained, TriggerNames.DatasetUploaded, $"dataset:{message.DatasetVersionId}"), context.CancellationToken);
    }
}
