using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;
using Platform.Training.Runs;

namespace Platform.Training.IntegrationEvents;

/// <summary>
/// A new dataset version: remember it (as the model's newest data, and in the list of versions the lineage of runs
/// refers to). A producer's version queues a run on it; labelled rows from feedback do not (retraining on every batch
/// of them would retrain an unchanged world over and over): they count towards a drift's wait (<see cref="RetrainScheduler"/>).
/// The run executes off the consumer (<see cref="RunRunner"/>), so the message is acknowledged at once and a broker
/// outage mid-run changes nothing.
/// </summary>
public sealed class DatasetUploadedConsumer(TrainingDbContext db, RunQueue queue, RetrainScheduler scheduler) : IConsumer<DatasetUploaded>
{
    public async Task Consume(ConsumeContext<DatasetUploaded> context)
    {
        var message = context.Message;
        var modelName = message.DatasetName;
        var version = new DatasetPointer
        {
            ModelName = modelName, DatasetName = message.DatasetName, DatasetVersion = message.Version,
            DatasetVersionId = message.DatasetVersionId, Sha256 = message.Sha256, Target = message.Target, Task = message.Task,
            ContentUri = message.ContentUri.ToString(), ColumnKinds = DatasetPointer.KindsOf(message.Columns),
        };

        if (!await db.DatasetVersions.AnyAsync(v => v.DatasetName == message.DatasetName && v.Version == message.Version, context.CancellationToken))
            db.DatasetVersions.Add(new DatasetVersionRecord
            {
                DatasetName = message.DatasetName, Version = message.Version, ModelName = modelName, DatasetVersionId = message.DatasetVersionId,
                RowCount = message.RowCount, Source = message.Source, AppendedTo = message.AppendedTo, LineageReference = message.Lineage?.Reference,
                LineageFrom = message.Lineage?.From, LineageTo = message.Lineage?.To,
                UploadedAt = message.UploadedAt,
            });

        if (message.Source == DatasetSources.Feedback)
        {
            await queue.RecordNewestAsync(version, context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            await scheduler.OnDatasetVersionAsync(modelName, context.CancellationToken);
            return;
        }

        // Saves the version record above with the queued run (or alone, when this is a redelivery).
        await queue.EnqueueDatasetVersionAsync(version, context.CancellationToken);
        await scheduler.OnDatasetVersionAsync(modelName, context.CancellationToken);
    }
}
