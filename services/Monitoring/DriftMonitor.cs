using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Ml.Drift;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Faults;

namespace Platform.Monitoring;

/// <summary>
/// Collects live inputs per production version into windows and, when a window closes, compares it with the
/// training reference. A window closes when it holds <see cref="MonitoringOptions.WindowRows"/> rows, or when its
/// oldest row is <see cref="MonitoringOptions.MaxWindowAge"/> old and it holds at least <see cref="MonitoringOptions.MinWindowRows"/>,
/// whichever comes first; the age is checked when a batch arrives and by the <see cref="WindowSweeper"/>, so the old
/// window of a quiet model closes too. Drift raises <c>DriftDetected</c> unless the <see cref="StormGuard"/> says no.
/// The outputs are kept too, for the live-quality check on feedback (<see cref="QualityMonitor"/>).
/// </summary>
public sealed class DriftMonitor(
    MonitoringDbContext db, DriftAlarm alarm, QualityMonitor quality, DriftMetrics metrics, WindowGate gate, ReferenceReconciler reconciler,
    LabelledRowSubmitter submitter, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<DriftMonitor> logger)
{
    public async Task AddAsync(PredictionsLogged batch, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        var reference = await ReferenceOfAsync(batch, cancellationToken);
        if (reference is null) return;

        // Stored without looking first: a batch is new but for a redelivery or a re-send, which the outputs' key refuses
        // and the transaction undoes (a lookup of every batch's ids cost more than one undone attempt per redelivery).
        // Only then are the rows the database already holds looked up, and the rest stored.
        var predictions = batch.Predictions;
        if (predictions.Count == 0) return;
        if (!await TryStoreAsync(batch, predictions, cancellationToken))
        {
            predictions = await UnseenAsync(predictions, cancellationToken);
            if (predictions.Count == 0) return;
            // A second refusal means another replica stored some of these rows meanwhile: the batch fails and is retried.
            if (!await TryStoreAsync(batch, predictions, cancellationToken))
                throw new InvalidOperationException($"Rows of prediction log batch {batch.BatchId} were stored by another consumer meanwhile.");
        }

        while (await TryCloseWindowAsync(reference, cancellationToken)) { }
        // Feedback may have arrived before this batch: its predictions can complete a quality window now. Both checks
        // walk the feedback kept (once they walked every output: ~30 ms each per batch at 200k outputs), so they run
        // only when feedback for this batch's rows is already stored. Feedback sent later runs them itself
        // (FeedbackRecorder), and the sweep covers what falls due with time.
        if (!await FeedbackArrivedFirstAsync(predictions, cancellationToken)) return;
        await quality.CheckAsync(reference, cancellationToken);
        await submitter.SubmitDueAsync(reference, cancellationToken);
    }

    /// <summary>
    /// Stores the rows as window rows and outputs, together or not at all; false (and nothing stored) when one of them
    /// is stored already. Thousands of rows a second arrive here in the embedded default: they are new (nothing for the
    /// change tracker to track) and stored with multi-row inserts (RowInserter).
    /// </summary>
    private async Task<bool> TryStoreAsync(PredictionsLogged batch, IReadOnlyList<LoggedPrediction> predictions, CancellationToken cancellationToken)
    {
        var windowRows = new WindowRow[predictions.Count];
        var outputs = new LoggedOutput[predictions.Count];
        for (var i = 0; i < predictions.Count; i++)
        {
            var prediction = predictions[i];
            var numeric = prediction.NumericWithMissing();
            windowRows[i] = new WindowRow
            {
                ModelName = batch.ModelName,
                Version = batch.Version,
                PredictionId = prediction.PredictionId,
                NumericJson = JsonSerializer.Serialize(numeric, ReferenceLoader.Json),
                CategoricalJson = JsonSerializer.Serialize(prediction.Categorical),
                Confidence = prediction.Confidence,
                At = prediction.At,
            };
            outputs[i] = new LoggedOutput
            {
                PredictionId = prediction.PredictionId,
                ModelName = batch.ModelName,
                Version = batch.Version,
                Output = prediction.Output,
                Confidence = prediction.Confidence,
                At = prediction.At,
                Numeric = numeric,
                Categorical = prediction.Categorical,
            };
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Outputs first: their key is the one that says "seen", window rows leave once their window closes.
            await RowInserter.InsertAsync(db, outputs, cancellationToken);
            await RowInserter.InsertAsync(db, windowRows, cancellationToken, nameof(WindowRow.Id));
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbException ex) when (DuplicateKeys.IsDuplicateKey(ex))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            logger.LogInformation("Prediction log batch {Batch} repeats rows already stored (a redelivery or a re-send): storing the new ones only", batch.BatchId);
            return false;
        }
    }

    /// <summary>
    /// The batch's rows Monitoring has not taken in yet. Outputs outlive windows (they wait for feedback), so they tell
    /// which rows were seen. Per row, not per batch: Inference re-sends the rows of a batch the broker took but reported
    /// as failed merged with newer ones, and a redelivery repeats a whole batch.
    /// </summary>
    private async Task<IReadOnlyList<LoggedPrediction>> UnseenAsync(IReadOnlyList<LoggedPrediction> predictions, CancellationToken cancellationToken)
    {
        var ids = predictions.Select(p => p.PredictionId).ToArray();
        var seen = await db.Outputs.AsNoTracking().Where(o => ids.Contains(o.PredictionId)).Select(o => o.PredictionId).ToListAsync(cancellationToken);
        // A row repeated within the batch itself is taken once too.
        var known = seen.ToHashSet();
        return predictions.Where(p => known.Add(p.PredictionId)).ToList();
    }

    /// <summary>
    /// Whether feedback for one of these predictions is stored already. Feedback is received after its prediction was
    /// made, so only feedback received since the batch's oldest prediction can be for it (less <see cref="ClockSkew"/>:
    /// Inference's clock made the times, this host's the receipt): one index probe, and the rows' ids are looked up
    /// only when such feedback exists.
    /// </summary>
    private async Task<bool> FeedbackArrivedFirstAsync(IReadOnlyList<LoggedPrediction> predictions, CancellationToken cancellationToken)
    {
        var since = predictions.Min(p => p.At) - ClockSkew;
        if (!await db.Feedback.AnyAsync(f => f.ReceivedAt >= since, cancellationToken)) return false;
        var ids = predictions.Select(p => p.PredictionId).ToArray();
        return await db.Feedback.AnyAsync(f => ids.Contains(f.PredictionId), cancellationToken);
    }

    /// <summary>How far Inference's clock may be ahead of this host's (hosts keep time by NTP, within milliseconds).</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The reference of the batch's version. A version without one may be a promotion whose event was missed: the
    /// Registry is asked (at most once per model per reconcile interval) before the rows are given up. Rows that still
    /// belong to no reference (the version is not in production) are counted and logged, never dropped silently.
    /// </summary>
    private async Task<ReferenceSet?> ReferenceOfAsync(PredictionsLogged batch, CancellationToken cancellationToken)
    {
        var reference = await db.References.AsNoTracking().FirstOrDefaultAsync(r => r.ModelName == batch.ModelName, cancellationToken);
        if (reference?.Version == batch.Version) return reference;

        try
        {
            if (await reconciler.ReconcileModelAsync(batch.ModelName, cancellationToken))
            {
                reference = await db.References.AsNoTracking().FirstOrDefaultAsync(r => r.ModelName == batch.ModelName, cancellationToken);
                if (reference?.Version == batch.Version) return reference;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or InvalidDataException or JsonException or TaskCanceledException)
        {
            // The Registry or the training data is unreachable: the periodic pass tries again; this batch is counted below.
            logger.LogWarning(ex, "Could not ask the Registry about {Model}", batch.ModelName);
        }

        metrics.Unattributed(batch.ModelName, batch.Version, batch.Predictions.Count);
        // Rows of the version just replaced are expected for a moment after a promotion; later they mean a replica
        // serves a version that is not in production.
        var justMoved = reference is not null && clock.GetUtcNow() - reference.PromotedAt < options.Value.ReconcileInterval;
        logger.Log(justMoved ? LogLevel.Information : LogLevel.Warning,
            "{Rows} rows of {Model} v{Version} not monitored: the production reference is {Held}",
            batch.Predictions.Count, batch.ModelName, batch.Version, reference is null ? "none" : $"v{reference.Version}");
        return null;
    }

    /// <summary>
    /// The periodic part: closes every time-based window that is due, runs the quality check, submits labelled rows that
    /// are due, and deletes outputs and feedback past <see cref="MonitoringOptions.OutputRetention"/>.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        var references = await db.References.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var reference in references)
        {
            while (await TryCloseWindowAsync(reference, cancellationToken)) { }
            await quality.CheckAsync(reference, cancellationToken);
            await submitter.SubmitDueAsync(reference, cancellationToken);
        }

        var cutoff = clock.GetUtcNow() - options.Value.OutputRetention;
        // Feedback whose prediction never reached Monitoring named an unknown prediction: counted, then dropped.
        var unknown = await db.Feedback.CountAsync(f => f.ReceivedAt < cutoff && !db.Outputs.Any(o => o.PredictionId == f.PredictionId), cancellationToken);
        if (unknown > 0) metrics.Feedback(FeedbackOutcomes.Unknown, unknown);
        var outputs = await db.Outputs.Where(o => o.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        var feedback = await db.Feedback.Where(f => f.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (outputs + feedback > 0) logger.LogInformation("Retention: deleted {Outputs} logged outputs and {Feedback} feedback rows", outputs, feedback);
    }

    /// <summary>Evaluates the oldest pending rows if they make a full or a due window; true when a full window closed (look again).</summary>
    private async Task<bool> TryCloseWindowAsync(ReferenceSet reference, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var pending = db.WindowRows.Where(r => r.ModelName == reference.ModelName && r.Version == reference.Version);
        // Asked after every batch: how many rows wait and since when, in SQL, before any row is loaded (a window
        // closes once per WindowRows rows; loading the pending rows each time cost more than storing them).
        var waiting = await pending.OrderBy(r => r.Id).Take(settings.WindowRows).CountAsync(cancellationToken);
        var full = waiting >= settings.WindowRows;
        if (!full && waiting < settings.MinWindowRows) return false;
        if (!full && clock.GetUtcNow() - await pending.MinAsync(r => r.At, cancellationToken) < settings.MaxWindowAge) return false;

        // Only the columns a drift check reads (the model, version and prediction id are known or not needed).
        var rows = await pending.OrderBy(r => r.Id).Take(settings.WindowRows)
            .Select(r => new PendingRow(r.Id, r.NumericJson, r.CategoricalJson, r.Confidence, r.At)).ToListAsync(cancellationToken);
        var (window, report) = await EvaluateAsync(reference, rows, cancellationToken);
        var lastId = rows[^1].Id;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await pending.Where(r => r.Id <= lastId).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        metrics.DataWindow(reference.ModelName, report, window.MeanConfidence);
        metrics.Decided(window);
        return full;
    }

    private async Task<(WindowReport Window, DriftReport Report)> EvaluateAsync(ReferenceSet reference, List<PendingRow> rows, CancellationToken cancellationToken)
    {
        using var activity = PlatformTelemetry.Source.StartActivity($"drift check {reference.ModelName}");
        var settings = options.Value;
        var columns = JsonSerializer.Deserialize<ReferenceColumns>(reference.ColumnsJson, ReferenceLoader.Json)!;
        var (referenceTable, currentTable) = (ToTable(columns), CurrentTable(columns, rows));
        var driftOptions = new DriftOptions { DriftedShareThreshold = settings.DriftedShareThreshold };
        var report = DriftAnalyzer.Analyze(referenceTable, currentTable, driftOptions);

        var confidences = rows.Where(r => r.Confidence is not null).Select(r => r.Confidence!.Value).ToList();
        double? meanConfidence = confidences.Count > 0 ? confidences.Average() : null;

        var window = new WindowReport
        {
            Id = Guid.NewGuid(),
            ModelName = reference.ModelName,
            Version = reference.Version,
            Kind = DriftKinds.Data,
            Rows = rows.Count,
            WindowFrom = rows.Min(r => r.At),
            WindowTo = rows.Max(r => r.At),
            DriftedShare = report.DriftedShare,
            Threshold = settings.DriftedShareThreshold,
            DatasetDrift = report.DatasetDrift,
            Decision = "no drift",
            FeaturesJson = JsonSerializer.Serialize(report.Columns, ReferenceLoader.Json),
            Histograms = WindowHistograms.Of(referenceTable, currentTable, driftOptions.Bins, settings.HistogramCategories),
            MeanConfidence = meanConfidence,
            CreatedAt = clock.GetUtcNow(),
        };
        window.ConfidenceDrop = await ConfidenceDroppedAsync(reference, meanConfidence, cancellationToken);

        await alarm.RecordAsync(reference, window, w => new DriftDetected(w.Id, w.ModelName, w.Version, w.DriftedShare, w.Threshold,
            report.Columns.Select(c => new FeatureDrift(c.Column, c.Test, c.Statistic, c.PValue, c.Drifted)).ToArray(),
            w.Rows, w.WindowFrom, w.WindowTo, w.CreatedAt, DriftKinds.Data), cancellationToken);
        if (window.ConfidenceDrop) window.Decision += $"; mean confidence {meanConfidence:F3} dropped by more than {settings.ConfidenceDropMargin} since the version's first window";

        activity?.SetTag("platform.drifted_share", report.DriftedShare);
        activity?.SetTag("platform.decision", window.Decision);
        logger.LogInformation("{Model} v{Version}: window of {Rows} rows, drifted share {Share:P0}: {Decision}",
            window.ModelName, window.Version, window.Rows, report.DriftedShare, window.Decision);
        return (window, report);
    }

    /// <summary>
    /// A classifier's confidence drop: the window's mean top-class probability below the version's first window's by
    /// more than the margin. Reported, not alarmed: confidence can fall while accuracy holds, and feedback decides that.
    /// </summary>
    private async Task<bool> ConfidenceDroppedAsync(ReferenceSet reference, double? meanConfidence, CancellationToken cancellationToken)
    {
        if (meanConfidence is null) return false;
        var first = await db.Reports.AsNoTracking()
            .Where(r => r.ModelName == reference.ModelName && r.Version == reference.Version && r.Kind == DriftKinds.Data && r.MeanConfidence != null
                && r.CreatedAt >= reference.PromotedAt)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => r.MeanConfidence)
            .FirstOrDefaultAsync(cancellationToken);
        return first is { } firstConfidence && firstConfidence - meanConfidence.Value > options.Value.ConfidenceDropMargin;
    }

    private static Table ToTable(ReferenceColumns columns) => new(
        columns.NumericFeatures.Select(n => TableColumn.Numeric(n, columns.Numeric[n]))
            .Concat(columns.CategoricalFeatures.Select(n => TableColumn.Categorical(n, columns.Categorical[n])))
            .ToArray());

    private static Table CurrentTable(ReferenceColumns columns, List<PendingRow> rows)
    {
        var numeric = rows.Select(r => JsonSerializer.Deserialize<double[]>(r.NumericJson, ReferenceLoader.Json)!).ToArray();
        var categorical = rows.Select(r => JsonSerializer.Deserialize<string?[]>(r.CategoricalJson)!).ToArray();
        return new Table(
            columns.NumericFeatures.Select((n, i) => TableColumn.Numeric(n, numeric.Select(v => v[i]).ToArray()))
                .Concat(columns.CategoricalFeatures.Select((n, i) => TableColumn.Categorical(n, categorical.Select(v => v[i]).ToArray())))
                .ToArray());
    }

    /// <summary>A window row as a drift check reads it.</summary>
    private sealed record PendingRow(long Id, string NumericJson, string CategoricalJson, double? Confidence, DateTimeOffset At);
}
