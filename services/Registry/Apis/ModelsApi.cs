using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.ServiceDefaults.Security;

namespace Platform.Registry.Apis;

/// <param name="KeyId">The id of the API key that moved production by hand (never the key); null for the gate.</param>
public sealed record AuditResponse(string Action, int? FromVersion, int? ToVersion, string Reason, DateTimeOffset At, string? KeyId);

public sealed record PromoteRequest(string? Reason);

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Models");
        models.MapGet("/", ListAsync).WithName("ListModels")
            .WithSummary("List registered models; ?stage=production lists only the versions in production").RequireApiKeyRole(ApiKeys.Reader);
        models.MapGet("/{name}", GetAsync).WithName("GetModel").WithSummary("A model's versions, metrics, lineage and production alias")
            .RequireApiKeyRole(ApiKeys.Reader);
        models.MapGet("/{name}/versions/{version:int}", GetVersionAsync).WithName("GetModelVersion").WithSummary("One version")
            .RequireApiKeyRole(ApiKeys.Reader);
        models.MapGet("/{name}/versions/{version:int}/artifact", GetArtifactAsync).WithName("GetModelArtifact").WithSummary("Download a version's ONNX artifact")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("download model artifact");
        models.MapGet("/{name}/audit", GetAuditAsync).WithName("GetModelAudit").WithSummary("Who (key id) moved production, when and why")
            .RequireApiKeyRole(ApiKeys.Reader);
        models.MapPost("/{name}/versions/{version:int}/promote", PromoteAsync).WithName("PromoteModelVersion")
            .WithSummary("Point production at this version by hand (bypasses the gate; audited with the key id); body {\"reason\"} (JSON)")
            .WithMetadata(new RequestSizeLimitAttribute(AuditLimits.MaxActionBodyBytes))
            .RequireApiKeyRole(ApiKeys.Operator).RequireJsonContent().WithRateLimit(RateLimits.Move);
        models.MapPost("/{name}/rollback", RollbackAsync).WithName("RollbackModel")
            .WithSummary("Point production back at the version served before the current one (audited with the key id); body {\"reason\"} (JSON)")
            .WithMetadata(new RequestSizeLimitAttribute(AuditLimits.MaxActionBodyBytes))
            .RequireApiKeyRole(ApiKeys.Operator).RequireJsonContent().WithRateLimit(RateLimits.Move);
        return app;
    }

    private static async Task<Ok<List<RegisteredModelResponse>>> ListAsync(string? stage, RegistryDbContext db, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var versions = await db.Versions.AsNoTracking().ToListAsync(cancellationToken);
        var onlyProduction = string.Equals(stage, "production", StringComparison.OrdinalIgnoreCase);
        var models = versions.GroupBy(v => v.ModelName).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ToModel(g.Key, g.Where(v => !onlyProduction || v.Stage == VersionStage.Production), artifacts))
            .Where(m => !onlyProduction || m.ProductionVersion is not null)
            .ToList();
        return TypedResults.Ok(models);
    }

    private static async Task<Results<Ok<RegisteredModelResponse>, NotFound>> GetAsync(string name, RegistryDbContext db, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelName == name).ToListAsync(cancellationToken);
        return versions.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(ToModel(name, versions, artifacts));
    }

    private static async Task<Results<Ok<ModelVersionResponse>, NotFound>> GetVersionAsync(string name, int version, RegistryDbContext db, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var found = await db.Versions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelName == name && v.Version == version, cancellationToken);
        return found is null ? TypedResults.NotFound() : TypedResults.Ok(ToResponse(found, artifacts));
    }

    private static async Task<Results<PhysicalFileHttpResult, NotFound>> GetArtifactAsync(string name, int version, RegistryDbContext db, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var exists = await db.Versions.AsNoTracking().AnyAsync(v => v.ModelName == name && v.Version == version, cancellationToken);
        var path = artifacts.PathOf(name, version);
        return exists && File.Exists(path) ? TypedResults.PhysicalFile(path, "application/octet-stream", $"{name}-v{version}.onnx") : TypedResults.NotFound();
    }

    private static async Task<Ok<List<AuditResponse>>> GetAuditAsync(string name, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var entries = await db.Audit.AsNoTracking().Where(a => a.ModelName == name).OrderByDescending(a => a.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(a => new AuditResponse(a.Action, a.FromVersion, a.ToVersion, a.Reason, a.At, a.KeyId)).ToList());
    }

    private static async Task<Results<Ok<ModelVersionResponse>, NotFound, ProblemHttpResult>> PromoteAsync(
        string name, int version, PromoteRequest? request, HttpContext http, ModelRegistrar registrar, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (ReasonTooLong(request) is { } tooLong) return tooLong;
        var promoted = await registrar.SetProductionAsync(name, version, "manual-promote", Reason(request, "promoted by an operator"), http.ApiKeyId(), cancellationToken);
        return promoted is null ? TypedResults.NotFound() : TypedResults.Ok(ToResponse(promoted, artifacts));
    }

    private static ProblemHttpResult? ReasonTooLong(PromoteRequest? request) =>
        request?.Reason is { Length: > AuditLimits.MaxReasonLength }
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Reason too long",
                detail: $"A reason is at most {AuditLimits.MaxReasonLength} characters.", extensions: new Dictionary<string, object?> { ["field"] = "reason" })
            : null;

    private static string Reason(PromoteRequest? request, string fallback) => string.IsNullOrWhiteSpace(request?.Reason) ? fallback : request.Reason;

    private static async Task<Results<Ok<ModelVersionResponse>, NotFound, ProblemHttpResult>> RollbackAsync(
        string name, PromoteRequest? request, HttpContext http, ModelRegistrar registrar, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (ReasonTooLong(request) is { } tooLong) return tooLong;
        var target = await registrar.RollbackTargetAsync(name, cancellationToken);
        if (target is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to roll back to",
                detail: $"Model '{name}' has no earlier production version.");
        var restored = await registrar.SetProductionAsync(name, target.Value, "rollback", Reason(request, "rolled back by an operator"), http.ApiKeyId(), cancellationToken);
        return restored is null ? TypedResults.NotFound() : TypedResults.Ok(ToResponse(restored, artifacts));
    }

    private static RegisteredModelResponse ToModel(string name, IEnumerable<ModelVersion> versions, ArtifactStore artifacts)
    {
        var list = versions.OrderByDescending(v => v.Version).Select(v => ToResponse(v, artifacts)).ToList();
        return new RegisteredModelResponse(name, list.FirstOrDefault(v => v.Stage == "production")?.Version, list);
    }

    private static ModelVersionResponse ToResponse(ModelVersion v, ArtifactStore artifacts) => new(
        v.ModelName, v.Version, v.Stage.ToString().ToLowerInvariant(), v.Task, v.Target, v.Trainer,
        JsonSerializer.Deserialize<List<ColumnInfo>>(v.InputsJson, ModelRegistrar.Json)!,
        v.ClassLabelsJson is null ? null : JsonSerializer.Deserialize<List<string>>(v.ClassLabelsJson, ModelRegistrar.Json),
        v.PrimaryMetric, v.HigherIsBetter, v.HoldoutMetric,
        JsonSerializer.Deserialize<Dictionary<string, double>>(v.MetricsJson, ModelRegistrar.Json)!,
        artifacts.UriOf(v.ModelName, v.Version), v.ArtifactSha256, v.ArtifactSizeBytes,
        new LineageResponse(v.DatasetName, v.DatasetVersion, v.DatasetSha256, new Uri(v.DatasetContentUri), v.RunId, v.Trigger),
        v.Decision, v.CreatedAt, v.PromotedAt);
}
