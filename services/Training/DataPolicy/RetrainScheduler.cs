using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Infrastructure;
using Platform.Training.Model;
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

    /// <summary>
    /// A dataset version arrived: the model's wait, if any, counts it and may start its retrain; otherwise the newest
    /// drift whose retrain started may follow up.
    /// </summary>
    public async Task OnDatasetVersionAsync(string modelName, CancellationToken cancellationToken)
    {
        var pointer = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == modelName, cancellationToken);
        if (pointer is null) return;
        var wait = await db.RetrainWaits.FirstOrDefaultAsync(w => w.ModelName == modelName && w.Status == RetrainWaitStatus.Awaiting, cancellationToken);
        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == pointer.DatasetName).ToListAsync(cancellationToken);
        if (wait is not null) await CheckAsync(wait, versions, pointer.DatasetVersion, cancellationToken);
        else await FollowUpAsync(modelName, versions, pointer.DatasetVersion, cancellationToken);
    }

    /// <summary>
    /// The first retrain after a drift learnt the changed world from <see cref="DataPolicyOptions.MinNewRows"/> rows; as
    /// more labelled rows of it arrive, a follow-up retrains on all of them (the earlier gate's rows included) once they
    /// are <see cref="DataPolicyOptions.FollowUpGrowth"/> times the rows the last one had, at most
    /// <see cref="DataPolicyOptions.MaxFollowUps"/> times per drift. Only the model's newest drift follows up, and only
    /// after its retrain succeeded, so a world without drift never retrains; the Registry's gate judges each follow-up on
    /// rows newer than all it trained on, like any challenger.
    /// </summary>
    private async Task FollowUpAsync(string modelName, List<DatasetVersionRecord> versions, int newest, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxFollowUps == 0) return;
        var wait = await db.RetrainWaits.Where(w => w.ModelName == modelName).OrderByDescending(w => w.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (wait is not { Status: RetrainWaitStatus.Started }) return;
        var keys = await db.RunTriggers.AsNoTracking().Where(t => t.TriggerKey.StartsWith(TriggerKey(wait))).Select(t => t.RunId).ToListAsync(cancellationToken);
        if (keys.Count > settings.MaxFollowUps) return;
        // Each retrain of the drift (the first and its follow-ups) must be over, and have succeeded, before the next.
        var runs = await db.Runs.AsNoTracking().Where(r => keys.Contains(r.Id)).Select(r => r.Status).ToListAsync(cancellationToken);
        if (runs.Count == 0 || runs.Any(s => s != RunStatus.Succeeded)) return;

        // The base is what the first run left out (rows before the drift, and those before the change it found): not recomputed.
        var rows = versions.FirstOrDefault(v => v.Version == newest)?.RowCount ?? 0;
        if (!TrainingDataPolicy.Extends(versions, newest, wait.BaseVersion)) return;
        var have = rows - wait.BaseRows;
        if (have < Math.Ceiling(wait.HaveRows * settings.FollowUpGrowth)) return;

        logger.LogInformation("{Model}: {Rows} labelled rows since drift {Report}, {Growth:F1}× the {Last} its last retrain had; following up",
            modelName, have, wait.Id, (double)have / wait.HaveRows, wait.HaveRows);
        wait.HaveRows = have;
        await db.SaveChangesAsync(cancellationToken);
        await queue.EnqueueRetrainAsync(modelName, TriggerNames.Drift, FormattableString.Invariant($"{TriggerKey(wait)}:{have}"), cancellationToken);
    }

    /// <summary>The drift's first retrain is "drift:{report}"; its follow-ups "drift:{report}:{rows}".</summary>
    public static string TriggerKey(RetrainWait wait) => $"{TriggerNames.Drift}:{wait.Id}";

    public static bool IsFirstDriftRetrain(string triggerKey) =>
        triggerKey.StartsWith(TriggerNames.Drift + ":", StringComparison.Ordinal) && triggerKey.IndexOf(':', TriggerNames.Drift.Length + 1) < 0;

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
        await queue.EnqueueRetrainAsync(wait.ModelName, TriggerNames.Drift, TriggerKey(wait), cancellationToken);
    }
}
