using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;

namespace Platform.Monitoring;

/// <summary>One actual value as a client sent it, already checked for shape and size.</summary>
public sealed record ActualValue(Guid PredictionId, string Actual);

/// <summary>What became of a feedback request's items (see <see cref="FeedbackRecorder"/>).</summary>
public sealed record FeedbackCounts(int Accepted, int Duplicates, int Replaced, int WrongType, int Pending);

/// <summary>
/// Stores feedback by the platform's rules, then closes the quality windows and submits the labelled rows it completes.
/// One answer per prediction. A repeat is a duplicate unless its sender's role is more trusted than the stored answer's
/// (<see cref="FeedbackTrust"/>: labeler or operator over consumer, consumer over an unauthenticated sender) and the row
/// has not become training data yet: then it replaces the answer. An actual that does not fit the model's task (a label
/// for a regression) is refused and counted. Feedback may arrive before the prediction's log batch reaches Monitoring:
/// it is stored (pending), checked against the task when it is joined, and dropped, counted as unknown, at retention.
/// </summary>
public sealed class FeedbackRecorder(
    MonitoringDbContext db, DriftMetrics metrics, WindowGate gate, QualityMonitor quality, LabelledRowSubmitter submitter, TimeProvider clock)
{
    public async Task<FeedbackCounts> RecordAsync(IReadOnlyList<ActualValue> values, string keyId, int trust, CancellationToken cancellationToken)
    {
        var items = values.DistinctBy(v => v.PredictionId).ToList();
        var ids = items.Select(v => v.PredictionId).ToList();
        var stored = await db.Feedback.Where(f => ids.Contains(f.PredictionId)).ToDictionaryAsync(f => f.PredictionId, cancellationToken);
        var outputs = await db.Outputs.AsNoTracking().Where(o => ids.Contains(o.PredictionId))
            .Select(o => new { o.PredictionId, o.ModelName, o.SubmissionId }).ToDictionaryAsync(o => o.PredictionId, cancellationToken);
        var models = outputs.Values.Select(o => o.ModelName).Distinct().ToList();
        var references = await db.References.AsNoTracking().Where(r => models.Contains(r.ModelName)).ToListAsync(cancellationToken);
        var tasks = references.ToDictionary(r => r.ModelName, r => r.Task);

        var now = clock.GetUtcNow();
        int accepted = 0, replaced = 0, wrongType = 0, pending = 0, duplicates = values.Count - items.Count;
        foreach (var item in items)
        {
            var output = outputs.GetValueOrDefault(item.PredictionId);
            if (output is not null && tasks.TryGetValue(output.ModelName, out var task) && !FeedbackValues.Fits(task, item.Actual))
            {
                wrongType++;
                continue;
            }

            if (stored.TryGetValue(item.PredictionId, out var earlier))
            {
                if (trust > earlier.Trust && output?.SubmissionId is null)
                {
                    (earlier.Actual, earlier.KeyId, earlier.Trust, earlier.ReceivedAt) = (item.Actual, keyId, trust, now);
                    replaced++;
                }
                else duplicates++;

                continue;
            }

            db.Feedback.Add(new Feedback { PredictionId = item.PredictionId, Actual = item.Actual, ReceivedAt = now, KeyId = keyId, Trust = trust });
            accepted++;
            if (output is null) pending++;
        }

        await db.SaveChangesAsync(cancellationToken);
        metrics.Feedback(FeedbackOutcomes.Accepted, accepted - pending);
        metrics.Feedback(FeedbackOutcomes.Pending, pending);
        metrics.Feedback(FeedbackOutcomes.Replaced, replaced);
        metrics.Feedback(FeedbackOutcomes.Duplicate, duplicates);
        metrics.Feedback(FeedbackOutcomes.WrongType, wrongType);

        // Close the quality windows this feedback completes, and submit the labelled rows that are due, now rather than at the next sweep.
        if (references.Count > 0)
        {
            using var _ = await gate.EnterAsync(cancellationToken);
            foreach (var reference in references)
            {
                await quality.CheckAsync(reference, cancellationToken);
                await submitter.SubmitDueAsync(reference, cancellationToken);
            }
        }

        return new FeedbackCounts(accepted, duplicates, replaced, wrongType, pending);
    }
}
