using Platform.Contracts;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.Runs;

/// <summary>Ends a run as failed with its reason and queues the <c>TrainingFailed</c> that says so, in the caller's commit.</summary>
public static class RunFailures
{
    public static void Fail(TrainingDbContext db, TrainingRun run, string reason)
    {
        run.Status = RunStatus.Failed;
        run.Stage = "failed";
        run.Error = reason;
        run.Owner = null;
        run.FinishedAt = DateTimeOffset.UtcNow;
        run.DurationSeconds = Math.Max(0, (run.FinishedAt.Value - run.StartedAt).TotalSeconds);
        db.AddOutboxMessage(new TrainingFailed(run.Id, run.ModelName, run.DatasetName, run.DatasetVersion, run.Trigger, reason, run.FinishedAt.Value));
    }
}
