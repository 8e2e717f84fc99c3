using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Infrastructure;
using Platform.Training.Runs;

namespace Platform.Training.DataPolicy;

/// <summary>
/// No pointless retrains: a drift report (data or concept, already past Monitoring's storm guard) starts a retrain only
/// once the model's dataset holds <see cref="DataPolicyOptions.MinNewRows"/> rows newer than the drift. Until then the
/// model is "awaiting labelled data: n of m rows" (a <see cref="RetrainWait"/>, shown on the run list and, through
/// <c>RetrainAwaitingData</c>, on the drift report), and every new dataset version (feedback or producer) counts
/// towards it; the retrain starts by itself when enough have arrived.
/// </summary>
public sealed class RetrainScheduler(
    TrainingDbContext db, RunQueue queue, IOptions<DataPolicyOptions> options, TimeProvider clock, ILogger<RetrainScheduler> logger)
{
    public async Task OnDriftAsync(DriftDetected drift, CancellationToken cancellationToken)
    {
        if (await db.RetrainWaits.AnyAsync(w => w.Id == drift.ReportId, cancellationToken)) return;
        var pointer = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == drift.ModelName, cancellationToken);
        if (pointer is null)
        {
            logger.LogWarning("Drift on {Model}, but no dataset is known for it; nothing to train on", drift.ModelName);
            return;
        }

        var waiting = await db.RetrainWaits.FirstOrDefaultAsync(w => w.ModelName == drift.ModelName && w.Status == RetrainWaitStatus.Awaiting, cancellationToken);
        if (waiting is not null)
        {
            // The model already waits for rows newer than an earlier drift: this report waits with it.
            db.AddOutboxMessage(new RetrainAwaitingData(drift.ModelName, drift.ReportId, waiting.HaveRows, waiting.NeededRows, false, clock.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == pointer.DatasetName).ToListAsync(cancellationToken);
        var wait = new RetrainWait
        {
            Id = drift.ReportId,
            ModelName = drift.ModelName,
            DatasetName = pointer.DatasetName,
            Kind = drift.Kind,
            Since = drift.WindowFrom,
            NeededRows = options.Value.MinNewRows,
            CreatedAt = clock.GetUtcNow(),
        };
        db.RetrainWaits.Add(wait);
        await CheckAsync(wait, versions, pointer.DatasetVersion, cancellationToken);
    }

    /// <summary>A dataset version arrived: the model's wait, if any, counts it and may start its retrain.</summary>
    public async Task OnDatasetVersionAsync(string modelName, CancellationToken cancellationToken)
    {
        var wait = await db.RetrainWaits.FirstOrDefaultAsync(w => w.ModelName == modelName && w.Status == RetrainWaitStatus.Awaiting, cancellationToken);
        var pointer = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == modelName, cancellationToken);
        if (wait is null || pointer is null) return;
        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == pointer.DatasetName).ToListAsync(cancellationToken);
        await CheckAsync(wait, versions, pointer.DatasetVersion, cancellationToken);
    }

    private async Task CheckAsync(RetrainWait wait, List<DatasetVersionRecord> versions, int newest, CancellationToken cancellationToken)
    {
        // Where the rows newer than the drift begin: after the newest version holding anything observed before it (a
        // version that straddles the drift's start is left out whole). Feedback versions are placed by their
        // predictions' time, not their upload's, and this is recomputed at each check: a backlog of labelled rows from
        // before the drift that reaches the dataset after it is not "new".
        var before = versions.Where(v => v.ObservedFrom < wait.Since && TrainingDataPolicy.Extends(versions, newest, v.Version)).MaxBy(v => v.Version);
        wait.BaseVersion = before?.Version ?? 0;
        wait.BaseRows = before?.RowCount ?? 0;
        var rows = versions.FirstOrDefault(v => v.Version == newest)?.RowCount ?? 0;
        // A version that does not extend the base (a producer's whole new file) is new data from the first row.
        var have = TrainingDataPolicy.Extends(versions, newest, wait.BaseVersion) ? rows - wait.BaseRows : rows;
        var changed = have != wait.HaveRows || db.Entry(wait).State == EntityState.Added;
        wait.HaveRows = Math.Max(0, have);
        var start = wait.HaveRows >= wait.NeededRows;
        if (start)
        {
            wait.Status = RetrainWaitStatus.Started;
            wait.StartedAt = clock.GetUtcNow();
        }

        if (changed || start)
            db.AddOutboxMessage(new RetrainAwaitingData(wait.ModelName, wait.Id, wait.HaveRows, wait.NeededRows, start, clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);

        if (!start)
        {
            logger.LogInformation("{Model}: drift {Report} is {Progress}", wait.ModelName, wait.Id, wait.Progress);
            return;
        }

        logger.LogInformation("{Model}: {Rows} labelled rows newer than drift {Report}; retraining", wait.ModelName, wait.HaveRows, wait.Id);
        // Queued, not run here: the runner executes it (one run per model; a retrain of a model still waiting joins that run).
        await queue.EnqueueRetrainAsync(wait.ModelName, TriggerNames.Drift, $"{TriggerNames.Drift}:{wait.Id}", cancellationToken);
    }
}
