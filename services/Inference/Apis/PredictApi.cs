using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Apis;

public sealed record RegressionResponse(string Model, int Version, double[] Predictions, Guid[] PredictionIds);

public sealed record ClassPrediction(string Label, IReadOnlyDictionary<string, float> Probabilities);

public sealed record ClassificationResponse(string Model, int Version, ClassPrediction[] Predictions, Guid[] PredictionIds);

public static class PredictApi
{
    private static readonly Histogram<double> Latency = PlatformTelemetry.Meter.CreateHistogram<double>("platform.inference.request.duration", "ms", "Prediction latency");
    private static readonly Counter<long> RowsScored = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.rows", description: "Rows scored");

    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/models/{name}/predict", PredictAsync)
            .WithTags("Inference")
            .WithName("Predict")
            .WithSummary("Score one or many instances with the production version of a model")
            .Accepts<JsonElement>("application/json");
        app.MapGet("/models/{name}/signature", GetSignature)
            .WithTags("Inference").WithName("GetServedSignature").WithSummary("The inputs and outputs of the version being served");
        return app;
    }

    private static async Task<Results<Ok<RegressionResponse>, Ok<ClassificationResponse>, ValidationProblem, ProblemHttpResult>> PredictAsync(
        string name, HttpRequest request, ModelCatalog catalog, PredictionLog log, IOptions<InferenceOptions> options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var model = catalog.Acquire(name);
        if (model is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"No production version of '{name}' is loaded.");

        var outcome = "ok";
        try
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                outcome = "bad-request";
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON", detail: ex.Message);
            }

            using (document)
            {
                var parsed = InstanceReader.Read(document.RootElement, model.Signature, options.Value.MaxBatchRows, options.Value.UnknownFields);
                if (parsed.TooLarge)
                {
                    outcome = "too-large";
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many instances", detail: parsed.Errors["instances"][0]);
                }

                if (parsed.Table is null)
                {
                    outcome = "invalid";
                    return TypedResults.ValidationProblem(parsed.Errors, title: "The instances do not match the model's inputs");
                }

                var scores = model.Scorer.Score(parsed.Table);
                RowsScored.Add(parsed.Table.RowCount, new KeyValuePair<string, object?>("model", name));
                var ids = LogPredictions(log, model, parsed.Table, scores);
                return scores.Values is { } values
                    ? TypedResults.Ok(new RegressionResponse(model.Name, model.Version, values, ids))
                    : TypedResults.Ok(new ClassificationResponse(model.Name, model.Version, ToClassPredictions(scores, model.Signature), ids));
            }
        }
        finally
        {
            model.Release();
            Latency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("model", name), new KeyValuePair<string, object?>("version", model.Version), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static Results<Ok<ModelSignature>, NotFound> GetSignature(string name, ModelCatalog catalog) =>
        catalog.Current(name) is { } model ? TypedResults.Ok(model.Signature) : TypedResults.NotFound();

    private static ClassPrediction[] ToClassPredictions(ScoreResult scores, ModelSignature signature)
    {
        var labels = signature.ClassLabels ?? [];
        var result = new ClassPrediction[scores.Labels!.Length];
        for (var row = 0; row < result.Length; row++)
        {
            var probabilities = new Dictionary<string, float>(labels.Count);
            for (var c = 0; c < labels.Count; c++) probabilities[labels[c]] = scores.Probabilities![row][c];
            result[row] = new ClassPrediction(scores.Labels[row], probabilities);
        }

        return result;
    }

    private static Guid[] LogPredictions(PredictionLog log, ServedModel model, Table table, ScoreResult scores)
    {
        var numeric = model.Signature.Inputs.Where(i => i.Kind != ColumnKind.Categorical).Select(i => i.Name).ToArray();
        var categorical = model.Signature.Inputs.Where(i => i.Kind == ColumnKind.Categorical).Select(i => i.Name).ToArray();
        var ids = new Guid[table.RowCount];
        var now = DateTimeOffset.UtcNow;
        for (var row = 0; row < table.RowCount; row++)
        {
            ids[row] = Guid.CreateVersion7(now);
            var numbers = new double[numeric.Length];
            for (var i = 0; i < numeric.Length; i++) numbers[i] = table[numeric[i]].Numbers![row];
            var texts = new string?[categorical.Length];
            for (var i = 0; i < categorical.Length; i++) texts[i] = table[categorical[i]].Texts![row];
            var output = scores.Values is { } values
                ? values[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                : scores.Labels![row];
            double? confidence = scores.Probabilities is { } p ? p[row].Max() : null;
            log.Write(new PredictionRecord(model.Name, model.Version, numeric, categorical, new LoggedPrediction(ids[row], now, numbers, texts, output, confidence)));
        }

        return ids;
    }
}
