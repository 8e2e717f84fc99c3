using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Security;

namespace Platform.Monitoring.Apis;

/// <param name="PredictionId">An id from Inference's <c>predictionIds</c>.</param>
/// <param name="Actual">The true value: a number for regression, the class label (string or number) for classifiers.</param>
public sealed record FeedbackItem(Guid PredictionId, JsonElement Actual);

public sealed record FeedbackRequest(IReadOnlyList<FeedbackItem> Feedback);

/// <param name="Accepted">New actual values stored.</param>
/// <param name="Duplicates">Predictions that already had feedback (the first answer is kept).</param>
public sealed record FeedbackResponse(int Accepted, int Duplicates);

public static class FeedbackApi
{
    public const int MaxItems = 10_000;

    /// <summary>The largest body: 10,000 items of a prediction id and a short label fit well within it; a 10 MB label does not.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/feedback", PostAsync).WithTags("Drift").WithName("PostFeedback")
            .WithSummary("Actual values for logged predictions (by prediction id): the ground truth of live quality and concept drift")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireApiKeyRole(ApiKeys.Labeler, ApiKeys.Consumer).RequireJsonContent().WithRateLimit(RateLimits.Feedback);
        return app;
    }

    /// <remarks>
    /// Feedback may arrive before the prediction's log batch reaches Monitoring: it is stored either way and joined when
    /// the prediction's output is there. Feedback for predictions never logged expires with the retention period.
    /// </remarks>
    private static async Task<Results<Accepted<FeedbackResponse>, ValidationProblem>> PostAsync(
        FeedbackRequest request, MonitoringDbContext db, DriftMetrics metrics, WindowGate gate, QualityMonitor quality, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var items = request.Feedback.DistinctBy(f => f.PredictionId).ToList();
        var ids = items.Select(f => f.PredictionId).ToList();
        var known = (await db.Feedback.Where(f => ids.Contains(f.PredictionId)).Select(f => f.PredictionId).ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();
        var fresh = items.Where(f => !known.Contains(f.PredictionId)).ToList();
        foreach (var item in fresh)
            db.Feedback.Add(new Feedback { PredictionId = item.PredictionId, Actual = Text(item.Actual), ReceivedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        metrics.FeedbackReceived(fresh.Count);

        // Close the quality windows this feedback completes now rather than at the next sweep.
        var models = await db.Outputs.Where(o => ids.Contains(o.PredictionId)).Select(o => o.ModelName).Distinct().ToListAsync(cancellationToken);
        if (models.Count > 0)
        {
            using var _ = await gate.EnterAsync(cancellationToken);
            foreach (var reference in await db.References.AsNoTracking().Where(r => models.Contains(r.ModelName)).ToListAsync(cancellationToken))
                await quality.CheckAsync(reference, cancellationToken);
        }

        return TypedResults.Accepted((string?)null, new FeedbackResponse(fresh.Count, request.Feedback.Count - fresh.Count));
    }

    private static Dictionary<string, string[]> Validate(FeedbackRequest? request)
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
                    || (item.Actual.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(item.Actual.GetString()))
                    || (item.Actual.ValueKind == JsonValueKind.Number && !(item.Actual.TryGetDouble(out var number) && double.IsFinite(number))))
                    errors[$"feedback[{i}].actual"] = ["A finite number or a non-empty label is required."];
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
