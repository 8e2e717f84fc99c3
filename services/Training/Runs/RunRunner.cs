using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Faults;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.Runs;

/// <summary>
/// Executes queued runs from the database: at most <see cref="RunLifecycleOptions.MaxParallelRuns"/> at once and
/// never two of one model, so one slow run does not hold up other models. It keeps a heartbeat on the runs it
/// executes and recovers those whose owner died (start-up and periodically): each starts again until
/// <see cref="RunLifecycleOptions.MaxAttempts"/>, then fails with the reason and a <c>TrainingFailed</c>. An outage of
/// a dependency pauses a run without using up an attempt. At shutdown it cancels its runs and puts them back in the
/// queue, so each resumes once after the restart.
/// </summary>
public sealed class RunRunner(
    IServiceScopeFactory scopes,
    RunSignal signal,
    IOptions<RunLifecycleOptions> options,
    ILogger<RunRunner> logger) : BackgroundService
{
    private sealed record InFlight(string ModelName, CancellationTokenSource Cancel, Task Execution);

    private readonly ConcurrentDictionary<Guid, InFlight> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, int> _outagePauses = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _notBefore = new();
    private RunLifecycleOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRecovery = DateTimeOffset.MinValue;
        var nextHeartbeat = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = DateTimeOffset.UtcNow;
                if (now >= nextHeartbeat)
                {
                    await HeartbeatAsync(stoppingToken);
                    nextHeartbeat = now + Settings.HeartbeatInterval;
                }

                if (now >= nextRecovery)
                {
                    await RecoverAsync(stoppingToken);
                    nextRecovery = now + Settings.RecoveryInterval;
                }

                while (_inFlight.Count < Settings.MaxParallelRuns && await TryStartNextAsync(stoppingToken)) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Run queue unavailable (database down?); looking again in {Interval}", Settings.PollInterval);
            }

            try
            {
                await signal.WaitAsync(Settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = _inFlight.ToArray();
        foreach (var (_, run) in stopping) await run.Cancel.CancelAsync();
        await base.StopAsync(cancellationToken);
        if (stopping.Length == 0) return;
        if (cancellationToken.IsCancellationRequested)
        {
            // No shutdown time left: as after a kill, the runs stay `running` and recovery takes them up at the next start.
            logger.LogWarning("Shutdown without time: {Count} run(s) left to recovery", stopping.Length);
            return;
        }

        // Give the trainers a moment to honour the cancellation; one that does not is abandoned with the process.
        var finished = Task.WhenAll(stopping.Select(r => r.Value.Execution));
        await Task.WhenAny(finished, Task.Delay(Settings.ShutdownGrace, cancellationToken));

        // Back to the queue, without using up an attempt: a shutdown is not the run's fault. Runs that ended
        // meanwhile are no longer `running` and stay as they are.
        var ids = stopping.Select(r => r.Key).ToList();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
            var requeued = await db.Runs
                .Where(r => ids.Contains(r.Id) && r.Status == RunStatus.Running && r.Owner == Settings.InstanceName)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatus.Queued)
                    .SetProperty(r => r.Attempts, r => r.Attempts - 1)
                    .SetProperty(r => r.Owner, (string?)null)
                    .SetProperty(r => r.Interruption, r => "stopped by a shutdown during " + r.Stage + "; resumes after the restart")
                    .SetProperty(r => r.Stage, "queued"), timeout.Token);
            logger.LogInformation("Shutdown: {Count} run(s) back in the queue, to resume after the restart", requeued);
        }
        catch (Exception ex)
        {
            // The database is gone too: the runs stay `running` under this instance's name, and recovery at the
            // next start takes them up (counted as an interruption).
            logger.LogWarning(ex, "Shutdown: could not put {Count} run(s) back in the queue; recovery takes them at the next start", ids.Count);
        }
    }

    /// <summary>
    /// The longest-queued run of a model with no run <c>running</c> (here or in another replica) and not in
    /// <paramref name="busyModels"/>, and not <paramref name="waiting"/> out a delay: one query.
    /// </summary>
    internal static Task<QueuedRun?> NextQueuedAsync(
        TrainingDbContext db, IReadOnlyCollection<string> busyModels, IReadOnlyCollection<Guid> waiting, CancellationToken cancellationToken) =>
        db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Queued && !busyModels.Contains(r.ModelName) && !waiting.Contains(r.Id)
                && !db.Runs.Any(running => running.Status == RunStatus.Running && running.ModelName == r.ModelName))
            .OrderBy(r => r.QueuedAt).ThenBy(r => r.Id)
            .Select(r => new QueuedRun(r.Id, r.ModelName))
            .FirstOrDefaultAsync(cancellationToken);

    internal sealed record QueuedRun(Guid Id, string ModelName);

    private async Task<bool> TryStartNextAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        // One run per model at a time, here and in other replicas (the query excludes models with a run running).
        var busy = _inFlight.Values.Select(r => r.ModelName).ToList();
        var now = DateTimeOffset.UtcNow;
        var waiting = _notBefore.Where(w => w.Value > now).Select(w => w.Key).ToList();
        var next = await NextQueuedAsync(db, busy, waiting, stoppingToken);
        if (next is null) return false;

        var claimed = await db.Runs.Where(r => r.Id == next.Id && r.Status == RunStatus.Queued)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Running)
                .SetProperty(r => r.Stage, "starting")
                .SetProperty(r => r.Owner, Settings.InstanceName)
                .SetProperty(r => r.HeartbeatAt, now)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), stoppingToken);
        if (claimed == 0) return true; // another replica took it: look again

        _notBefore.TryRemove(next.Id, out _);
        var cancel = new CancellationTokenSource();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var execution = Task.Run(async () =>
        {
            await start.Task;
            await ExecuteRunAsync(next.Id, cancel.Token);
        }, CancellationToken.None);
        _inFlight[next.Id] = new InFlight(next.ModelName, cancel, execution);
        start.SetResult();
        return true;
    }

    private async Task ExecuteRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TrainingJob>().RunAsync(runId, cancellationToken);
            _outagePauses.TryRemove(runId, out _);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync puts the run back in the queue.
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
            await PauseAsync(runId, ex);
        }
        catch (Exception ex)
        {
            // Failures of the work itself are the job's to record; this is a fault around it. The run stays `running`
            // under this instance's name and the next recovery takes it up as an interruption.
            logger.LogError(ex, "Run {RunId} broke off outside its own failure handling", runId);
        }
        finally
        {
            if (_inFlight.TryRemove(runId, out var done)) done.Cancel.Dispose();
            signal.Notify();
        }
    }

    /// <summary>A dependency is down: back to the queue for a while, without using up an attempt.</summary>
    private async Task PauseAsync(Guid runId, Exception outage)
    {
        var pauses = _outagePauses.AddOrUpdate(runId, 1, (_, n) => n + 1);
        logger.LogWarning(outage, "Run {RunId} paused by an outage ({Pauses} so far); it starts again in {Delay}", runId, pauses, Settings.OutageRetryDelay);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
            var run = await db.Runs.FirstAsync(r => r.Id == runId);
            if (run.Status != RunStatus.Running) return;
            if (pauses > Settings.MaxOutagePauses)
            {
                RunFailures.Fail(db, run, $"A dependency stayed unavailable through {pauses} tries: {outage.Message}");
                _outagePauses.TryRemove(runId, out _);
            }
            else
            {
                Requeue(run, $"paused during {run.Stage}: a dependency is unavailable ({outage.Message}); starts again after {Settings.OutageRetryDelay}", countsAsAttempt: false);
                _notBefore[runId] = DateTimeOffset.UtcNow + Settings.OutageRetryDelay;
            }

            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            // The database is the dependency that is down: recovery puts the run back once it answers again.
            logger.LogWarning(ex, "Run {RunId} could not be paused; recovery takes it up when the database answers", runId);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var ids = _inFlight.Keys.ToList();
        if (ids.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        var now = DateTimeOffset.UtcNow;
        await db.Runs.Where(r => ids.Contains(r.Id) && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatAt, now), cancellationToken);
    }

    /// <summary>Runs left `running` by a process that is gone: this instance before a restart, or a silent replica.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        var running = await db.Runs.Where(r => r.Status == RunStatus.Running).ToListAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var recovered = 0;
        foreach (var run in running.Where(r => !_inFlight.ContainsKey(r.Id)))
        {
            var mine = run.Owner == Settings.InstanceName;
            var silent = run.HeartbeatAt is null || now - run.HeartbeatAt.Value > Settings.StaleAfter;
            if (!mine && !silent) continue;

            recovered++;
            if (mine && _outagePauses.ContainsKey(run.Id))
            {
                // Paused by an outage that also kept the pause from being written.
                Requeue(run, $"paused during {run.Stage}: a dependency was unavailable; starts again", countsAsAttempt: false);
                continue;
            }

            var why = mine
                ? $"the process executing it stopped during {run.Stage} without finishing (killed or crashed)"
                : $"its owner {run.Owner} stopped reporting during {run.Stage} (last heartbeat {run.HeartbeatAt:O})";
            if (run.Attempts >= Settings.MaxAttempts)
            {
                logger.LogWarning("Run {RunId} of {Model} interrupted {Attempts} time(s): failed", run.Id, run.ModelName, run.Attempts);
                RunFailures.Fail(db, run, $"Interrupted on each of its {run.Attempts} attempt(s); last time {why}.");
            }
            else
            {
                logger.LogWarning("Run {RunId} of {Model} was interrupted: {Why}; queued again (attempt {Next} of {Max})",
                    run.Id, run.ModelName, why, run.Attempts + 1, Settings.MaxAttempts);
                Requeue(run, $"interrupted: {why}; queued again for attempt {run.Attempts + 1} of {Settings.MaxAttempts}", countsAsAttempt: true);
            }
        }

        if (recovered == 0) return;
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
    }

    private static void Requeue(TrainingRun run, string interruption, bool countsAsAttempt)
    {
        run.Status = RunStatus.Queued;
        run.Stage = "queued";
        run.Owner = null;
        run.Interruption = interruption;
        if (!countsAsAttempt) run.Attempts = Math.Max(0, run.Attempts - 1);
    }
}
