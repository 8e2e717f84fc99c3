using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Apis;

/// <summary>
/// <c>POST /models/{name}/predict</c> (the production version) and <c>POST /models/{name}/versions/{v}/predict</c>
/// (a pinned version). Both read the body once into a pooled buffer, validate and fill a pooled scoring batch,
/// score, write the JSON into a pooled buffer and release the model lease before the response goes out, so a
/// slow client never keeps a retired version alive.
/// </summary>
public static class PredictApi
{
    private static readonly Histogram<double> Latency = PlatformTelemetry.Meter.CreateHistogram<double>("platform.inference.request.duration", "ms", "Prediction latency");
    private static readonly Counter<long> RowsScored = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.rows", description: "Rows scored");

    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/models/{name}/predict", PredictAsync)
            .WithTags("Inference").WithName("Predict")
            .WithSummary("Score one or many instances with the production version of a model")
            .Accepts<PredictRequestDoc>("application/json")
            .Produces<PredictResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireApiKeyRole(ApiKeys.Consumer);
        app.MapPost("/models/{name}/versions/{version:int}/predict", PredictVersionAsync)
            .WithTags("Inference").WithName("PredictWithVersion")
            .WithSummary("Score with a given version (loaded from the Registry on first use; a few are kept)")
            .Accepts<PredictRequestDoc>("application/json")
            .Produces<PredictResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireApiKeyRole(ApiKeys.Consumer);
        app.MapGet("/models/{name}/signature", GetSignature)
            .WithTags("Inference").WithName("GetServedSignature").WithSummary("The inputs and outputs of the version being served")
            .RequireApiKeyRole(ApiKeys.Reader);
        return app;
    }

    /// <summary>The request's documented shape (the body is read with a Utf8JsonReader, not bound).</summary>
    public sealed record PredictRequestDoc(Dictionary<string, object?>[] Instances);

    private static Task<IResult> PredictAsync(string name, HttpRequest request, ModelCatalog catalog, PredictionLog log, IOptions<InferenceOptions> options,
        PredictAllowance allowance, CancellationToken cancellationToken)
    {
        if (Refused(request, allowance) is { } refused) return Task.FromResult(refused);
        var model = catalog.Acquire(name);
        return model is null
            ? Task.FromResult(UnknownModel($"No production version of '{name}' is loaded."))
            : ScoreAsync(model, request, log, options.Value, Stopwatch.GetTimestamp(), ResponseKind.Predict, cancellationToken);
    }

    private static async Task<IResult> PredictVersionAsync(string name, int version, HttpRequest request, PinnedModels pinned, PredictionLog log,
        IOptions<InferenceOptions> options, PredictAllowance allowance, CancellationToken cancellationToken)
    {
        if (Refused(request, allowance) is { } refused) return refused;
        var started = Stopwatch.GetTimestamp();
        ServedModel? model;
        try
        {
            model = await pinned.AcquireAsync(name, version, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or NotSupportedException or System.Text.Json.JsonException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Version could not be loaded", detail: $"{name} v{version}: {ex.Message}");
        }

        return model is null
            ? UnknownModel($"The Registry has no version {version} of '{name}'.")
            : await ScoreAsync(model, request, log, options.Value, started, ResponseKind.Predict, cancellationToken);
    }

    internal enum ResponseKind { Predict, Infer }

    /// <summary>The per-key limit (<see cref="PredictAllowance"/>): a 429 problem with Retry-After once the key's window is used up.</summary>
    internal static IResult? Refused(HttpRequest request, PredictAllowance allowance)
    {
        if (allowance.TryTake(request.HttpContext, out var retryAfter)) return null;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"This key has used its allowance for this endpoint; retry after {seconds} s.");
    }

    /// <summary>Reads, validates, scores and writes with a leased model; releases the lease whatever happens.</summary>
    internal static async Task<IResult> ScoreAsync(ServedModel model, HttpRequest request, PredictionLog log, InferenceOptions options, long started,
        ResponseKind kind, CancellationToken cancellationToken)
    {
        var outcome = "ok";
        try
        {
            // JSON only (as every state change; checked here rather than by an endpoint filter, which costs on this path).
            if (JsonOnly.Refusal(request) is { } refusal)
            {
                outcome = "bad-request";
                return refusal;
            }

            using var body = await RequestBody.ReadAsync(request, options.MaxRequestBytes, cancellationToken);
            if (body is null)
            {
                outcome = "too-large";
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                    detail: $"At most {options.MaxRequestBytes} bytes per request.");
            }

            var rejections = new Rejections();
            string? requestId = null;
            var unknownFields = options.UnknownFieldsFor(model.Name);
            using var batch = kind == ResponseKind.Predict
                ? InstanceReader.Read(body.Span, model, options.MaxBatchRows, unknownFields, rejections)
                : InferRequestReader.Read(body.Span, model, options.MaxBatchRows, unknownFields, rejections, out requestId);
            if (batch is null)
            {
                outcome = rejections.TooLarge ? "too-large" : "invalid";
                return rejections.ToResult("The request does not match the model's inputs");
            }

            using var scored = options.Batching.Enabled && batch.Rows == 1
                ? await model.Coalescer.ScoreAsync(batch, options.Batching.MaxRows, options.Batching.MinCallTime)
                : ScoreOwn(batch);
            if (FirstNonFiniteRow(scored, model) is >= 0 and var row)
            {
                // Inputs inside float range can still overflow the model's arithmetic (3e38 times a weight): refused
                // rather than answered with NaN, which neither JSON nor the prediction log can carry.
                outcome = "invalid";
                rejections.Add(kind == ResponseKind.Predict ? $"instances[{row}]" : $"inputs (row {row})",
                    "The model's output is not a finite number for these inputs: they are far outside the range it was trained on.");
                return rejections.ToResult("The request does not match the model's inputs");
            }

            RowsScored.Add(scored.Count, model.ModelTag, model.VersionTag);
            var response = kind == ResponseKind.Predict
                ? PredictionWriter.WritePredictions(model, scored, log)
                : PredictionWriter.WriteInferResponse(model, scored, requestId, log);
            return new PooledJsonResult(response);
        }
        catch (BadHttpRequestException ex)
        {
            outcome = "bad-request";
            return TypedResults.Problem(statusCode: ex.StatusCode, title: "Bad request", detail: ex.Message);
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            model.Release();
            Latency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                model.ModelTag, model.VersionTag, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static ScoredRows ScoreOwn(Platform.Ml.Models.ScoringBatch batch)
    {
        batch.Score();
        return ScoredRows.Own(batch);
    }

    /// <summary>The request's first row (0-based, in the request) whose output is not finite, or -1.</summary>
    private static int FirstNonFiniteRow(ScoredRows scored, ServedModel model)
    {
        var regression = model.Signature.Task == MlTask.Regression;
        for (var i = 0; i < scored.Count; i++)
        {
            var row = scored.First + i;
            if (regression ? !double.IsFinite(scored.Batch.Value(row)) : !AllFinite(scored.Batch.Probabilities(row))) return i;
        }

        return -1;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
            if (!float.IsFinite(value)) return false;
        return true;
    }

    internal static IResult UnknownModel(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: detail);

    private static IResult GetSignature(string name, ModelCatalog catalog) =>
        catalog.Current(name) is { } model
            ? TypedResults.Json(model.Signature, InferenceJsonContext.Default.ModelSignature)
            : UnknownModel($"No production version of '{name}' is loaded.");
}
