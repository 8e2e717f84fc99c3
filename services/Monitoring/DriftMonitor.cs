using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Ml.Drift;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Monitoring;

/// <summary>
/// Collects live inputs per production version into windows and, when a window closes, compares it with the
/// training reference. Drift raises <c>DriftDetected</c> unless the version is in its cooldown or the model has
/// reached its daily retrain cap, so one shift does not start a retrain storm.
/// </summary>
public sealed class DriftMonitor(MonitoringDbContext db, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<DriftMonitor> logger)
{
    private static readonly Counter<long> WindowsEvaluated = PlatformTelemetry.Meter.CreateCounter<long>("platform.monitoring.windows", description: "Windows checked for drift");
    private static readonly Counter<long> EventsPublished = PlatformTelemetry.Meter.CreateCounter<long>("platform.monitoring.drift_events", description: "DriftDetected events published");
    private static readonly Histogram<double> FeatureScore = PlatformTelemetry.Meter.CreateHistogram<double>("platform.monitoring.feature_statistic", description: "Per-feature drift statistic of each window");

    public async Task AddAsync(PredictionsLogged batch, CancellationToken cancellationToken)
    {
        var reference = await db.References.AsNoTracking().FirstOrDefaultAsync(r => r.ModelName == batch.ModelName, cancellationToken);
        if (reference is null || reference.Version != batch.Version)
        {
            logger.LogDebug("Ignoring {Rows} rows of {Model} v{Version}: not the version with a reference", batch.Predictions.Count, batch.ModelName, batch.Version);
            return;
        }

        if (batch.Predictions.Count == 0) return;
        var firstId = batch.Predictions[0].PredictionId;
        if (await db.WindowRows.AnyAsync(r => r.PredictionId == firstId, cancellationToken)) return;

        foreach (var prediction in batch.Predictions)
        {
            db.WindowRows.Add(new WindowRow
            {
                ModelName = batch.ModelName,
                Version = batch.Version,
                PredictionId = prediction.PredictionId,
                NumericJson = JsonSerializer.Serialize(prediction.Numeric),
                CategoricalJson = JsonSerializer.Serialize(prediction.Categorical),
                At = prediction.At,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        while (await TryCloseWindowAsync(reference, cancellationToken)) { }
    }

    private async Task<bool> TryCloseWindowAsync(ReferenceSet reference, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var rows = await db.WindowRows
            .Where(r => r.ModelName == reference.ModelName && r.Version == reference.Version)
            .OrderBy(r => r.Id)
            .Take(settings.WindowRows)
            .ToListAsync(cancellationToken);
        var full = rows.Count >= settings.WindowRows;
        var old = rows.Count >= settings.MinWindowRows && clock.GetUtcNow() - rows[0].At >= settings.MaxWindowAge;
        if (!full && !old) return false;

        await EvaluateAsync(reference, rows, cancellationToken);
        db.WindowRows.RemoveRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        return full;
    }

    private async Task EvaluateAsync(ReferenceSet reference, List<WindowRow> rows, CancellationToken cancellationToken)
    {
        using var activity = PlatformTelemetry.Source.StartActivity($"drift check {reference.ModelName}");
        var settings = options.Value;
        var columns = JsonSerializer.Deserialize<ReferenceColumns>(reference.ColumnsJson, ReferenceLoader.Json)!;
        var report = DriftAnalyzer.Analyze(ToTable(columns), CurrentTable(columns, rows),
            new DriftOptions { DriftedShareThreshold = settings.DriftedShareThreshold });
        WindowsEvaluated.Add(1, new KeyValuePair<string, object?>("model", reference.ModelName));
        foreach (var column in report.Columns)
            FeatureScore.Record(column.Statistic, new KeyValuePair<string, object?>("model", reference.ModelName), new KeyValuePair<string, object?>("feature", column.Column));

        var now = clock.GetUtcNow();
        var window = new WindowReport
        {
            Id = Guid.NewGuid(),
            ModelName = reference.ModelName,
            Version = reference.Version,
            Rows = rows.Count,
            WindowFrom = rows.Min(r => r.At),
            WindowTo = rows.Max(r => r.At),
            DriftedShare = report.DriftedShare,
            Threshold = settings.DriftedShareThreshold,
            DatasetDrift = report.DatasetDrift,
            Decision = "no drift",
            FeaturesJson = JsonSerializer.Serialize(report.Columns, ReferenceLoader.Json),
            CreatedAt = now,
        };

        if (report.DatasetDrift)
        {
            window.Decision = await StormGuardAsync(reference, now, cancellationToken) ?? "drift: DriftDetected published";
            window.EventPublished = window.Decision.StartsWith("drift: DriftDetected", StringComparison.Ordinal);
        }

        db.Reports.Add(window);
        if (window.EventPublished)
        {
            db.AddOutboxMessage(new DriftDetected(window.Id, window.ModelName, window.Version, report.DriftedShare, settings.DriftedShareThreshold,
                report.Columns.Select(c => new FeatureDrift(c.Column, c.Test, c.Statistic, c.PValue, c.Drifted)).ToArray(),
                window.Rows, window.WindowFrom, window.WindowTo, now));
            EventsPublished.Add(1, new KeyValuePair<string, object?>("model", reference.ModelName));
        }

        activity?.SetTag("platform.drifted_share", report.DriftedShare);
        activity?.SetTag("platform.decision", window.Decision);
        logger.LogInformation("{Model} v{Version}: window of {Rows} rows, drifted share {Share:P0}: {Decision}",
            window.ModelName, window.Version, window.Rows, report.DriftedShare, window.Decision);
    }

    /// <summary>Why a drifted window must not raise an event (cooldown, daily cap), or null when it may.</summary>
    private async Task<string?> StormGuardAsync(ReferenceSet reference, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var published = await db.Reports.AsNoTracking()
            .Where(r => r.ModelName == reference.ModelName && r.EventPublished)
            .Select(r => new { r.Version, r.CreatedAt })
            .ToListAsync(cancellationToken);
        var lastForVersion = published.Where(r => r.Version == reference.Version).Select(r => (DateTimeOffset?)r.CreatedAt).Max();
        if (lastForVersion is { } last && now - last < settings.Cooldown)
            return $"drift: suppressed, cooldown of v{reference.Version} until {(last + settings.Cooldown):O}";
        if (published.Count(r => now - r.CreatedAt < TimeSpan.FromDays(1)) >= settings.MaxRetrainsPerDay)
            return $"drift: suppressed, {settings.MaxRetrainsPerDay} retrains in the last 24 hours";
        return null;
    }

    private static Table ToTable(ReferenceColumns columns) => new(
        columns.NumericFeatures.Select(n => TableColumn.Numeric(n, columns.Numeric[n]))
            .Concat(columns.CategoricalFeatures.Select(n => TableColumn.Categorical(n, columns.Categorical[n])))
            .ToArray());

    private static Table CurrentTable(ReferenceColumns columns, List<WindowRow> rows)
    {
        var numeric = rows.Select(r => JsonSerializer.Deserialize<double[]>(r.NumericJson)!).ToArray();
        var categorical = rows.Select(r => JsonSerializer.Deserialize<string?[]>(r.CategoricalJson)!).ToArray();
        return new Table(
            columns.NumericFeatures.Select((n, i) => TableColumn.Numeric(n, numeric.Select(v => v[i]).ToArray()))
                .Concat(columns.CategoricalFeatures.Select((n, i) => TableColumn.Categorical(n, categorical.Select(v => v[i]).ToArray())))
                .ToArray());
    }
}
