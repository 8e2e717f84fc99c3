using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.Runs;

/// <summary>
/// Records requests for runs; the runner executes them from the table. A request is kept under its natural key
/// (dataset version id, drift report id, retrain message id), so a redelivery queues nothing twice; a retrain asked
/// while a run of that model is still waiting joins that run instead of queueing another.
/// </summary>
public sealed class RunQueue(TrainingDbContext db, RunSignal signal, IOptions<TrainingOptions> options, ILogger<RunQueue> logger)
{
    /// <summary>A new dataset version: remember it as the model's newest data, and queue a run on it.</summary>
    public async Task<TrainingRun?> EnqueueDatasetVersionAsync(DatasetPointer version, CancellationToken cancellationToken)
    {
        await RecordNewestAsync(version, cancellationToken);
        return await EnqueueAsync(version, TriggerNames.DatasetUploaded, $"dataset:{version.DatasetVersionId}", joinWaiting: false, cancellationToken);
    }

    /// <summary>Remembers a dataset version as the model's newest data (when it is); the caller saves.</summary>
    public async Task RecordNewestAsync(DatasetPointer version, CancellationToken cancellationToken)
    {
        var newest = await db.Datasets.FirstOrDefaultAsync(d => d.ModelName == version.ModelName, cancellationToken);
        if (newest is null)
        {
            db.Datasets.Add(version.Copy());
        }
        else if (version.DatasetVersion >= newest.DatasetVersion)
        {
            newest.DatasetName = version.DatasetName;
            newest.DatasetVersion = version.DatasetVersion;
            newest.DatasetVersionId = version.DatasetVersionId;
            newest.Sha256 = version.Sha256;
            newest.Target = version.Target;
            newest.Task = version.Task;
            newest.ContentUri = version.ContentUri;
            newest.ColumnKinds = version.ColumnKinds;
        }
    }

    /// <summary>Drift or an operator's request: retrain on the model's newest known dataset version.</summary>
    public async Task<TrainingRun?> EnqueueRetrainAsync(string modelName, string trigger, string triggerKey, CancellationToken cancellationToken)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == modelName, cancellationToken);
        if (dataset is null)
        {
            logger.LogWarning("Retrain of {Model} ({Trigger}) asked, but no dataset is known for it; nothing to train on", modelName, trigger);
            return null;
        }

        return await EnqueueAsync(dataset, trigger, triggerKey, joinWaiting: true, cancellationToken);
    }

    private async Task<TrainingRun?> EnqueueAsync(DatasetPointer dataset, string trigger, string triggerKey, bool joinWaiting, CancellationToken cancellationToken)
    {
        if (await db.RunTriggers.AnyAsync(t => t.TriggerKey == triggerKey, cancellationToken))
        {
            // Save what the caller changed besides (the newest dataset pointer), then stop: the run exists.
            await db.SaveChangesAsync(cancellationToken);
            logger.LogDebug("Request {TriggerKey} is recorded already; the runner owns its run", triggerKey);
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        var waiting = joinWaiting
            ? await db.Runs.FirstOrDefaultAsync(r => r.ModelName == dataset.ModelName && r.Status == RunStatus.Queued, cancellationToken)
            : null;
        var run = waiting ?? NewRun(dataset, trigger, triggerKey, now);
        if (waiting is null) db.Runs.Add(run);
        else
        {
            waiting.Requests++;
            logger.LogInformation("Request {TriggerKey} joins run {RunId} of {Model}, which is still waiting", triggerKey, waiting.Id, waiting.ModelName);
        }

        db.RunTriggers.Add(new RunTrigger { TriggerKey = triggerKey, RunId = run.Id, ReceivedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return run;
    }

    private TrainingRun NewRun(DatasetPointer dataset, string trigger, string triggerKey, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        ModelName = dataset.ModelName,
        DatasetName = dataset.DatasetName,
        DatasetVersion = dataset.DatasetVersion,
        DatasetVersionId = dataset.DatasetVersionId,
        DatasetSha256 = dataset.Sha256,
        DatasetContentUri = dataset.ContentUri,
        DatasetColumnKinds = dataset.ColumnKinds,
        Trigger = trigger,
        TriggerKey = triggerKey,
        Status = RunStatus.Queued,
        Stage = "queued",
        Task = dataset.Task,
        Target = dataset.Target,
        Seed = options.Value.Seed,
        // The run executes later, off the consumer: keep the trace it belongs to, so it continues there.
        TraceId = Activity.Current?.TraceId.ToString(),
        TraceParent = Activity.Current?.Id,
        QueuedAt = now,
        StartedAt = now,
    };
}
