using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Security;

namespace Platform.Monitoring.Apis;

/// <param name="PredictionId">An id from Inference's <c>predictionIds</c>.</param>
/// <param name="Actual">The true value: a number for regression, the class label (string or number) for classifiers.</param>
public sealed record FeedbackItem(Guid PredictionId, JsonElement Actual);

public sealed record FeedbackRequest(IReadOnlyList<FeedbackItem> Feedback);

/// <param name="Accepted">New actual values stored.</param>
/// <param name="Duplicates">Predictions that already had an answer from a sender at least as trusted (or one already used as training data), and repeats within the request: the earlier answer is kept.</param>
/// <param name="Replaced">Earlier answers replaced by this more trusted sender (labeler over consumer).</param>
/// <param name="WrongType">Actual values that do not fit the model's task (a label for a regression): not stored.</param>
/// <param name="Pending">Predictions Monitoring has not seen logged yet: stored, joined when the log arrives, dropped (and counted unknown) at retention.</param>
public sealed record FeedbackResponse(int Accepted, int Duplicates, int Replaced = 0, int WrongType = 0, int Pending = 0);

public sealed record SubmissionResponse(
    Guid Id, string Model, string Dataset, int Rows, DateTimeOffset From, DateTimeOffset To, string Status, int? DatasetVersion,
    string? Error, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt, IReadOnlyList<Guid>? PredictionIds);

public static class FeedbackApi
{
    public const int MaxItems = 10_000;

    /// <summary>The largest body: 10,000 items of a prediction id and a short label fit well within it; a 10 MB label does not.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/feedback", PostAsync).WithTags("Drift").WithName("PostFeedback")
            .WithSummary("Actual values for logged predictions (by prediction id): live quality, concept drift, and labelled rows for retraining")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireApiKeyRole(ApiKeys.Labeler, ApiKeys.Consumer).RequireJsonContent().WithRateLimit(RateLimits.Feedback);
        var submissions = app.MapGroup("/feedback/submissions").WithTags("Drift");
        submissions.MapGet("/", ListSubmissionsAsync).WithName("ListFeedbackSubmissions")
            .WithSummary("Batches of labelled live rows submitted to Ingestion as dataset versions, newest first")
            .RequireApiKeyRole(ApiKeys.Reader);
        submissions.MapGet("/{id:guid}", GetSubmissionAsync).WithName("GetFeedbackSubmission")
            .WithSummary("One submission with the prediction ids its rows answer (the lineage of a feedback dataset version)")
            .RequireApiKeyRole(ApiKeys.Reader);
        return app;
    }

    /// <remarks>The rules (one answer per prediction, trust, wrong types, pending) are <see cref="FeedbackRecorder"/>'s.</remarks>
    private static async Task<Results<Accepted<FeedbackResponse>, ValidationProblem>> PostAsync(
        FeedbackRequest request, HttpContext http, FeedbackRecorder recorder, IOptions<MonitoringOptions> options, CancellationToken cancellationToken)
    {
        var errors = Validate(request, options.Value.MaxActualLength);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (keyId, trust) = FeedbackSender.Of(http.User);
        var counts = await recorder.RecordAsync(request.Feedback.Select(f => new ActualValue(f.PredictionId, Text(f.Actual))).ToList(), keyId, trust, cancellationToken);
        return TypedResults.Accepted((string?)null, new FeedbackResponse(counts.Accepted, counts.Duplicates, counts.Replaced, counts.WrongType, counts.Pending));
    }

    internal static async Task<Ok<List<SubmissionResponse>>> ListSubmissionsAsync(string? model, int? limit, MonitoringDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Submissions.AsNoTracking();
        if (!string.IsNullOrEmpty(model)) query = query.Where(s => s.ModelName == model);
        var submissions = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(Math.Clamp(limit ?? 50, 1, 1000))
            .Select(s => new { s.Id, s.ModelName, s.DatasetName, s.Rows, s.From, s.To, s.Status, s.DatasetVersion, s.Error, s.Attempts, s.CreatedAt, s.AnsweredAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(submissions
            .Select(s => new SubmissionResponse(s.Id, s.ModelName, s.DatasetName, s.Rows, s.From, s.To, s.Status.ToString().ToLowerInvariant(),
                s.DatasetVersion, s.Error, s.Attempts, s.CreatedAt, s.AnsweredAt, null))
            .ToList());
    }

    private static async Task<Results<Ok<SubmissionResponse>, NotFound>> GetSubmissionAsync(Guid id, MonitoringDbContext db, CancellationToken cancellationToken)
    {
        var s = await db.Submissions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return s is null ? TypedResults.NotFound() : TypedResults.Ok(new SubmissionResponse(s.Id, s.ModelName, s.DatasetName, s.Rows, s.From, s.To,
            s.Status.ToString().ToLowerInvariant(), s.DatasetVersion, s.Error, s.Attempts, s.CreatedAt, s.AnsweredAt, s.PredictionIds));
    }

    private static Dictionary<string, string[]> Validate(FeedbackRequest? request, int maxActualLength)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Feedback is null || request.Feedback.Count == 0)
            errors["feedback"] = ["At least one item is required."];
        else if (request.Feedback.Count > MaxItems)
            errors["feedback"] = [$"At most {MaxItems} items per request."];
        else
        {
            for (var i = 0; i < request.Feedback.Count; i++)
            {
                var item = request.Feedback[i];
                if (item.PredictionId == Guid.Empty) errors[$"feedback[{i}].predictionId"] = ["A prediction id is required."];
                if (item.Actual.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False)
                    || (item.Actual.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(item.Actual.GetString())))
                    errors[$"feedback[{i}].actual"] = ["A number or a non-empty label is required."];
                else if (item.Actual.ValueKind == JsonValueKind.Number && !(item.Actual.TryGetDouble(out var number) && double.IsFinite(number)))
                    errors[$"feedback[{i}].actual"] = ["The number is out of range."];
                else if (item.Actual.ValueKind == JsonValueKind.String && item.Actual.GetString()!.Length > maxActualLength)
                    errors[$"feedback[{i}].actual"] = [$"At most {maxActualLength} characters."];
            }
        }

        return errors;
    }

    /// <summary>Numbers in the invariant round-trip form the logged outputs use; labels as given.</summary>
    private static string Text(JsonElement actual) => actual.ValueKind switch
    {
        JsonValueKind.Number => actual.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => actual.GetString()!,
    };
}
