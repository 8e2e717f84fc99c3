using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Security;

namespace Platform.Monitoring.Apis;

/// <param name="Kind">"data" (features against the training data) or "concept" (live quality on feedback against holdout).</param>
/// <param name="DriftedShare">Data: share of drifted features. Concept: relative degradation of live quality.</param>
/// <param name="Threshold">Data: the drifted-share threshold. Concept: the quality margin.</param>
/// <param name="Histograms">Reference-vs-window shares per feature; only on the newest data report of a list, so that a
/// long list (the console asks for 1000) stays light.</param>
public sealed record DriftReportResponse(
    Guid Id, string Model, int Version, string Kind, int Rows, DateTimeOffset WindowFrom, DateTimeOffset WindowTo,
    double DriftedShare, double Threshold, bool DatasetDrift, bool EventPublished, string Decision,
    JsonElement Features, string? QualityMetric, double? LiveQuality, double? HoldoutQuality,
    double? MeanConfidence, bool ConfidenceDrop, DateTimeOffset CreatedAt, List<FeatureHistogram>? Histograms = null);

public sealed record ReferenceResponse(
    string Model, int Version, string Task, string Dataset, int DatasetVersion, int Rows, int PendingWindowRows, DateTimeOffset PromotedAt,
    JsonElement HoldoutMetrics, JsonElement Profile);

public static class DriftApi
{
    public static IEndpointRouteBuilder MapDriftApi(this IEndpointRouteBuilder app)
    {
        var drift = app.MapGroup("/drift").WithTags("Drift");
        drift.MapGet("/{model}", ListAsync).WithName("ListDriftReports").WithSummary("Drift reports of a model (data and concept windows), newest first, with per-feature statistics (and, on the newest data report, per-feature histograms)")
            .RequireApiKeyRole(ApiKeys.Reader);
        drift.MapGet("/{model}/reference", GetReferenceAsync).WithName("GetDriftReference").WithSummary("The reference the live inputs are compared with")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("read drift reference");
        return app;
    }

    internal static async Task<Ok<List<DriftReportResponse>>> ListAsync(string model, int? limit, MonitoringDbContext db, CancellationToken cancellationToken)
    {
        // Ordered and limited in the database, and without the histograms: the console asks for 1,000 reports, and
        // reading every report with its histograms to sort them here cost most of a second at that size.
        var newest = await db.Reports.AsNoTracking().Where(r => r.ModelName == model)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(Math.Clamp(limit ?? 50, 1, 1000))
            .Select(r => new DriftReportResponse(r.Id, r.ModelName, r.Version, r.Kind, r.Rows, r.WindowFrom, r.WindowTo, r.DriftedShare, r.Threshold,
                r.DatasetDrift, r.EventPublished, r.Decision, Parse(r.FeaturesJson), r.QualityMetric, r.LiveQuality, r.HoldoutQuality,
                r.MeanConfidence, r.ConfidenceDrop, r.CreatedAt, null))
            .ToListAsync(cancellationToken);
        if (newest.Count == 0) return TypedResults.Ok(newest);
        var oldest = newest[^1].CreatedAt;
        var withHistograms = await db.Reports.AsNoTracking()
            .Where(r => r.ModelName == model && r.Histograms != null && r.CreatedAt >= oldest)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Histograms }).FirstOrDefaultAsync(cancellationToken);
        var index = withHistograms is null ? -1 : newest.FindIndex(r => r.Id == withHistograms.Id);
        if (index >= 0) newest[index] = newest[index] with { Histograms = withHistograms!.Histograms };
        return TypedResults.Ok(newest);
    }

    private static async Task<Results<Ok<ReferenceResponse>, NotFound>> GetReferenceAsync(string model, MonitoringDbContext db, CancellationToken cancellationToken)
    {
        var reference = await db.References.AsNoTracking().FirstOrDefaultAsync(r => r.ModelName == model, cancellationToken);
        if (reference is null) return TypedResults.NotFound();
        var pending = await db.WindowRows.CountAsync(r => r.ModelName == model && r.Version == reference.Version, cancellationToken);
        return TypedResults.Ok(new ReferenceResponse(model, reference.Version, reference.Task, reference.DatasetName, reference.DatasetVersion,
            reference.Rows, pending, reference.PromotedAt, Parse(reference.HoldoutMetricsJson), Parse(reference.ProfileJson)));
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
