using System.ComponentModel;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Ml.Models;
using Platform.Training.DataPolicy;
using Platform.ServiceDefaults.Security;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.Apis;

// The read models (RunResponse, RetrainAccepted, RetrainRequest) are in Platform.Contracts (TrainingModels.cs).

public static class RunsApiShapes
{
    public static RunResponse ToResponse(TrainingRun r, TrainingProgress? progress) => new(
        r.Id, r.ModelName, r.Status.ToString().ToLowerInvariant(), r.Stage, progress, r.Trigger,
        r.DatasetName, r.DatasetVersion, r.DatasetSha256, r.Task, r.Target, r.Trainer, r.Seed,
        Element(r.Parameters), Element(r.Metrics), Element(r.CrossValidation), r.PrimaryMetric,
        r.ChampionVersion, r.ChampionMetric, r.TrainRows, r.HoldoutRows,
        r.ArtifactSha256, r.ArtifactSizeBytes, r.Error, r.TraceId, r.StartedAt, r.FinishedAt, r.DurationSeconds,
        r.QueuedAt, r.Attempts, r.Requests, r.Interruption, r.Data,
        r.Evaluation?.ConfusionMatrix, r.Evaluation?.HoldoutPredictions, r.Evaluation?.FeatureWeightKind, r.Evaluation?.FeatureWeights);

    /// <summary>A drift retrain that waits for labelled rows, listed with the runs as status "awaiting-data".</summary>
    public static RunResponse ToResponse(RetrainWait w) => new(
        w.Id, w.ModelName, RunStatuses.AwaitingData, w.Progress, null, TriggerNames.Drift,
        w.DatasetName, w.BaseVersion, "", null, null, null, 0, null, null, null, null, null, null, 0, 0,
        null, 0, null, null, w.CreatedAt, null, 0,
        w.CreatedAt, 0, 0, null);

    // The read model keeps these as JSON (what the console and the CLI read); the run stores them typed.
    private static JsonElement? Element<T>(T? value) where T : class =>
        value is null ? null : JsonSerializer.SerializeToElement(value, JsonColumns.Json);
}

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs").WithTags("Runs");
        runs.MapGet("/", ListAsync).WithName("ListRuns")
            .WithSummary("List training runs, newest first, optionally for one model, one status (?status=) and finished after an instant (?finishedAfter=); drift retrains waiting for labelled rows show as \"awaiting-data\"; the confusion matrix, holdout predictions and feature weights are on GET /runs/{id} only")
            .ProducesProblem(StatusCodes.Status400BadRequest).RequireApiKeyRole(ApiKeys.Reader);
        runs.MapGet("/{id:guid}", GetAsync).WithName("GetRun").WithSummary("One run: params, metrics, CV table, confusion matrix or residual sample, the model's coefficients or feature importances, live progress while running, attempts and the last interruption")
            .RequireApiKeyRole(ApiKeys.Reader);
        runs.MapGet("/{id:guid}/artifacts/{file}", GetArtifact)
            .WithName("GetRunArtifact").WithSummary("Download model.onnx, model.zip (ML.NET), run.json or model-trained.json (the ModelTrained the run published)")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("download run artifact");

        app.MapPost("/models/{name}/retrain", RetrainAsync)
            .WithTags("Runs").WithName("RetrainModel").WithSummary("Ask Training to retrain a model on its newest dataset version; body {\"reason\"} (JSON, optional reason)")
            .WithMetadata(new RequestSizeLimitAttribute(AuditLimits.MaxActionBodyBytes))
            .RequireApiKeyRole(ApiKeys.Operator).RequireJsonContent().WithRateLimit(RateLimits.Retrain);
        return app;
    }

    private static async Task<Results<Ok<List<RunResponse>>, ProblemHttpResult>> ListAsync(
        [Description("Only this model's runs")] string? model,
        [Description("Only runs in this status: queued, running, succeeded, failed, or awaiting-data (drift retrains waiting for labelled rows)")] string? status,
        [Description("Only runs that finished after this instant (ISO 8601; UTC when it has no offset)")] string? finishedAfter,
        TrainingDbContext db, RunProgress progress, CancellationToken cancellationToken)
    {
        if (!RunListFilter.TryParse(model, status, finishedAfter, out var filter, out var problem)) return problem!;
        var runs = await filter.RunsAsync(db, cancellationToken);
        var waits = await filter.WaitsAsync(db, cancellationToken);
        // The evaluation charts' data (up to 500 points a run) and the weights stay on GET /runs/{id}: a list of
        // hundreds of runs would otherwise read and carry hundreds of thousands of points nobody draws.
        return TypedResults.Ok(runs.Select(r => RunsApiShapes.ToResponse(r, progress.Get(r.Id)))
            .Concat(waits.Select(RunsApiShapes.ToResponse))
            .OrderByDescending(r => r.QueuedAt.UtcTicks).ToList());
    }

    private static async Task<Results<Ok<RunResponse>, NotFound>> GetAsync(Guid id, TrainingDbContext db, RunProgress progress, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().Include(r => r.Evaluation).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return run is null ? TypedResults.NotFound() : TypedResults.Ok(RunsApiShapes.ToResponse(run, progress.Get(id)));
    }

    private static Results<PhysicalFileHttpResult, NotFound> GetArtifact(Guid id, string file, ArtifactStore artifacts)
    {
        var path = artifacts.Find(id, file);
        if (path is null) return TypedResults.NotFound();
        var contentType = file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream";
        return TypedResults.PhysicalFile(path, contentType, file);
    }

    private static async Task<Results<Accepted<RetrainAccepted>, NotFound, ProblemHttpResult>> RetrainAsync(
        string name, RetrainRequest? request, HttpContext http, TrainingDbContext db, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (request?.Reason is { Length: > AuditLimits.MaxReasonLength })
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Reason too long",
                detail: $"A reason is at most {AuditLimits.MaxReasonLength} characters.", extensions: new Dictionary<string, object?> { ["field"] = "reason" });
        if (!await db.Datasets.AnyAsync(d => d.ModelName == name, cancellationToken)) return TypedResults.NotFound();
        var keyId = http.ApiKeyId();
        var accepted = new RetrainAccepted(name, string.IsNullOrWhiteSpace(request?.Reason) ? "requested by an operator" : request.Reason);
        await publish.Publish(new RetrainRequested(name, accepted.Reason, DateTimeOffset.UtcNow) { RequestedBy = keyId }, cancellationToken);
        Audit.Record(http, "retrain", name);
        return TypedResults.Accepted($"/runs?model={Uri.EscapeDataString(name)}", accepted);
    }
}
