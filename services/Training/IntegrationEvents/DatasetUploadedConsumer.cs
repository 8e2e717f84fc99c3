using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.IntegrationEvents;

/// <summary>
/// A new dataset version: remember it (as the model's newest data, and in the list of versions the lineage of runs
/// refers to). A producer's version trains at once; labelled rows from feedback do not (retraining on every batch of
/// them would retrain an unchanged world over and over): they count towards a drift's wait (<see cref="RetrainScheduler"/>).
/// </summary>
public sealed class DatasetUploadedConsumer(TrainingDbContext db, TrainingJob job, RetrainScheduler scheduler) : IConsumer<DatasetUploaded>
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

        if (!await db.DatasetVersions.AnyAsync(v => v.DatasetName == message.DatasetName && v.Version == message.Version, context.CancellationToken))
            db.DatasetVersions.Add(new DatasetVersionRecord
            {
                DatasetName = message.DatasetName, Version = message.Version, ModelName = modelName, DatasetVersionId = message.DatasetVersionId,
                RowCount = message.RowCount, Source = message.Source, AppendedTo = message.AppendedTo, LineageReference = message.Lineage?.Reference,
                LineageFrom = message.Lineage?.From, LineageTo = message.Lineage?.To,
                UploadedAt = message.UploadedAt,
            });
        await db.SaveChangesAsync(context.CancellationToken);

        if (message.Source == DatasetSources.Feedback)
        {
            await scheduler.OnDatasetVersionAsync(modelName, context.CancellationToken);
            return;
        }

        var trained = new DatasetPointer
        {
            ModelName = modelName, DatasetName = message.DatasetName, DatasetVersion = message.Version, DatasetVersionId = message.DatasetVersionId,
            Sha256 = message.Sha256, Target = message.Target, Task = message.Task, ContentUri = message.ContentUri.ToString(),
        };
        await job.RunAsync(new TrainingRequest(modelName, trained, TriggerNames.DatasetUploaded, $"dataset:{message.DatasetVersionId}"), context.CancellationToken);
        await scheduler.OnDatasetVersionAsync(modelName, context.CancellationToken);
    }
}
