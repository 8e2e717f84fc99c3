using System.Globalization;
using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;

namespace Platform.Monitoring;

/// <summary>
/// Turns labelled live rows (a logged prediction's inputs with the actual value a client sent) into training data
/// through the front door: a <c>SubmitDataset</c> that appends them to the model's dataset, so Ingestion validates,
/// hashes, profiles and versions them like any producer's upload, with source "feedback" and lineage back to the
/// predictions. One submission per model is in flight at a time (appends build on the newest version); it is recorded
/// before it is sent, and resent with the same id until Ingestion answers (Ingestion stores a resubmission once).
/// </summary>
public sealed class LabelledRowSubmitter(
    MonitoringDbContext db, IPublishEndpoint publish, IConfiguration configuration, DriftMetrics metrics,
    IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<LabelledRowSubmitter> logger)
{
    /// <summary>Room left under the bus's inline limit for the header and a last row.</summary>
    private const int CsvBudget = SubmitDatasetLimits.MaxInlineBytes - 64 * 1024;

    public async Task SubmitDueAsync(ReferenceSet reference, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var pending = await db.Submissions.FirstOrDefaultAsync(s => s.ModelName == reference.ModelName && s.Status == SubmissionStatus.Pending, cancellationToken);
        if (pending is not null)
        {
            if (now - pending.SentAt >= settings.SubmissionRetryAfter) await ResendAsync(reference, pending, cancellationToken);
            return;
        }

        if (reference.DatasetColumns.Length == 0) return;
        // The oldest answers first, found from the feedback (an EXISTS on the output): as a join ordered by the outputs,
        // SQLite's planner walked every unsubmitted output of the model (nearly all: most predictions never get
        // feedback): 89 -> 14 ms at 200k outputs and 2k answers. The rows go out in prediction order, as a resend rebuilds them.
        var labelled = (await (
                from feedback in db.Feedback
                where db.Outputs.Any(o => o.PredictionId == feedback.PredictionId && o.ModelName == reference.ModelName && o.SubmissionId == null)
                join output in db.Outputs on feedback.PredictionId equals output.PredictionId
                orderby feedback.Id
                select new { Output = output, Feedback = feedback })
            .Take(settings.MaxSubmissionRows)
            .ToListAsync(cancellationToken))
            .OrderBy(l => l.Output, PredictionOrder)
            .ToList();
        if (labelled.Count == 0) return;
        if (labelled.Count < settings.LabelledBatchRows && now - labelled.Min(l => l.Feedback.ReceivedAt) < settings.LabelledBatchMaxAge) return;

        var layout = RowLayout.Of(reference);
        if (layout is null)
        {
            logger.LogWarning("{Model}: the training data's columns do not match the model's inputs; labelled rows are not submitted", reference.ModelName);
            return;
        }

        // A late answer (stored before its prediction's log came) may not fit the task: it is dropped, never a row.
        var wrong = labelled.Where(l => !FeedbackValues.Fits(reference.Task, l.Feedback.Actual)).ToList();
        db.Feedback.RemoveRange(wrong.Select(w => w.Feedback));
        metrics.Feedback(FeedbackOutcomes.WrongType, wrong.Count);

        var csv = new StringBuilder(layout.Header());
        var rows = new List<LoggedOutput>();
        foreach (var row in labelled.Except(wrong))
        {
            if (csv.Length >= CsvBudget) break;
            if (!layout.TryAppend(csv, row.Output, row.Feedback.Actual)) continue;
            rows.Add(row.Output);
        }

        if (rows.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var submission = new FeedbackSubmission
        {
            Id = Guid.NewGuid(),
            ModelName = reference.ModelName,
            DatasetName = reference.DatasetName,
            Rows = rows.Count,
            PredictionIds = rows.Select(r => r.PredictionId).ToArray(),
            From = rows.Min(r => r.At),
            To = rows.Max(r => r.At),
            Status = SubmissionStatus.Pending,
            Attempts = 1,
            CreatedAt = now,
            SentAt = now,
        };
        foreach (var row in rows) row.SubmissionId = submission.Id;
        db.Submissions.Add(submission);
        await db.SaveChangesAsync(cancellationToken);

        await SendAsync(reference, submission, csv.ToString(), cancellationToken);
        metrics.Feedback(FeedbackOutcomes.Submitted, rows.Count);
        logger.LogInformation("{Model}: submitted {Rows} labelled rows to {Dataset} (submission {Id})", reference.ModelName, rows.Count, reference.DatasetName, submission.Id);
    }

    /// <summary>Ingestion answered: the rows are a dataset version now, or (rejected) they stay out of training for good.</summary>
    /// <returns>The submission's model; null when the answer is not for a pending submission of ours.</returns>
    public async Task<string?> AnsweredAsync(Guid correlationId, int? datasetVersion, string? error, CancellationToken cancellationToken)
    {
        var submission = await db.Submissions.FirstOrDefaultAsync(s => s.Id == correlationId, cancellationToken);
        if (submission is null || submission.Status != SubmissionStatus.Pending) return null;
        submission.Status = datasetVersion is null ? SubmissionStatus.Rejected : SubmissionStatus.Accepted;
        submission.DatasetVersion = datasetVersion;
        submission.Error = error is null ? null : error[..Math.Min(error.Length, 2000)];
        submission.AnsweredAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        if (datasetVersion is null)
        {
            metrics.Feedback(FeedbackOutcomes.Rejected, submission.Rows);
            logger.LogWarning("{Model}: Ingestion rejected submission {Id} of {Rows} labelled rows: {Error}", submission.ModelName, submission.Id, submission.Rows, error);
        }

        return submission.ModelName;
    }

    /// <summary>
    /// The order of a submission's rows, the same when it is first sent and when it is resent: by prediction time, ties
    /// by id (ordered here, not in SQL, where the providers order ids differently).
    /// </summary>
    private static readonly Comparer<LoggedOutput> PredictionOrder = Comparer<LoggedOutput>.Create((a, b) =>
        a.At != b.At ? a.At.CompareTo(b.At) : a.PredictionId.CompareTo(b.PredictionId));

    private async Task ResendAsync(ReferenceSet reference, FeedbackSubmission submission, CancellationToken cancellationToken)
    {
        var layout = RowLayout.Of(reference);
        if (layout is null) return;
        var rows = (await (
                from output in db.Outputs
                join feedback in db.Feedback on output.PredictionId equals feedback.PredictionId
                where output.SubmissionId == submission.Id
                select new { Output = output, feedback.Actual })
            .ToListAsync(cancellationToken))
            .OrderBy(r => r.Output, PredictionOrder)
            .ToList();
        var csv = new StringBuilder(layout.Header());
        foreach (var row in rows) layout.TryAppend(csv, row.Output, row.Actual);

        submission.Attempts++;
        submission.SentAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await SendAsync(reference, submission, csv.ToString(), cancellationToken);
    }

    private Task SendAsync(ReferenceSet reference, FeedbackSubmission submission, string csv, CancellationToken cancellationToken)
    {
        var message = new SubmitDataset(submission.Id, reference.DatasetName, null, null, csv, null, Append: true,
            Source: DatasetSources.Feedback,
            Lineage: new DatasetLineage($"monitoring:/feedback/submissions/{submission.Id}", submission.Rows, submission.From, submission.To));
        // Ingestion checks bus submissions for a producer key in this header, as it does uploads.
        var key = configuration["Platform:ServiceKey"];
        return publish.Publish(message, context =>
        {
            if (!string.IsNullOrEmpty(key)) context.Headers.Set(ApiKeys.HeaderName, key);
        }, cancellationToken);
    }

    /// <summary>Where each column of the training data comes from in a logged prediction.</summary>
    private sealed class RowLayout
    {
        private readonly string[] _columns;
        private readonly string _target;
        private readonly Dictionary<string, int> _numeric;
        private readonly Dictionary<string, int> _categorical;

        private RowLayout(string[] columns, string target, Dictionary<string, int> numeric, Dictionary<string, int> categorical)
        {
            _columns = columns;
            _target = target;
            _numeric = numeric;
            _categorical = categorical;
        }

        public static RowLayout? Of(ReferenceSet reference)
        {
            var features = System.Text.Json.JsonSerializer.Deserialize<ReferenceColumns>(reference.ColumnsJson, ReferenceLoader.Json)!;
            var numeric = features.NumericFeatures.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
            var categorical = features.CategoricalFeatures.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
            var others = reference.DatasetColumns.Where(c => !numeric.ContainsKey(c) && !categorical.ContainsKey(c)).ToList();
            var target = reference.Target ?? (others.Count == 1 ? others[0] : null);
            // Every column but the target must be an input: the row has nothing else to fill it with.
            if (target is null || others.Any(c => c != target)) return null;
            return new RowLayout(reference.DatasetColumns, target, numeric, categorical);
        }

        public string Header() => string.Join(',', _columns.Select(Quote)) + "\n";

        public bool TryAppend(StringBuilder csv, LoggedOutput row, string actual)
        {
            if (row.Numeric.Length != _numeric.Count || row.Categorical.Length != _categorical.Count) return false;
            for (var i = 0; i < _columns.Length; i++)
            {
                if (i > 0) csv.Append(',');
                var column = _columns[i];
                if (column == _target) csv.Append(Quote(actual));
                else if (_numeric.TryGetValue(column, out var n))
                {
                    if (double.IsFinite(row.Numeric[n])) csv.Append(row.Numeric[n].ToString("R", CultureInfo.InvariantCulture));
                }
                else csv.Append(Quote(row.Categorical[_categorical[column]] ?? ""));
            }

            csv.Append('\n');
            return true;
        }

        private static string Quote(string value) =>
            value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
