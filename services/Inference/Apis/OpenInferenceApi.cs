using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Apis;

/// <summary>
/// The Open Inference Protocol v2 (KServe, Triton, MLServer) REST endpoints, over the same catalog and fast path as
/// <c>/predict</c>. Server readiness is the service's readiness (the production models are loaded, and the broker
/// and any database are up), exactly as <c>/health</c>.
/// </summary>
public static class OpenInferenceApi
{
    public static IEndpointRouteBuilder MapOpenInferenceApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol v2");
        v2.MapGet("/health/live", () => TypedResults.Json(new ServerLiveResponse(true), InferenceJsonContext.Default.ServerLiveResponse))
            .WithName("V2ServerLive").WithSummary("The server answers").AllowAnonymous();
        v2.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Extensions.ReadyTag) || check.Tags.Contains("live") })
            .WithName("V2ServerReady").WithSummary("Ready: production models loaded (same checks as /health)").AllowAnonymous();
        v2.MapGet("/models/{name}", GetMetadata)
            .WithName("V2ModelMetadata").WithSummary("Inputs and outputs (datatypes, shapes) of the version served")
            .RequireApiKeyRole(ApiKeys.Reader);
        v2.MapGet("/models/{name}/ready", (string name, ModelCatalog catalog) =>
                catalog.Current(name) is not null ? Results.Ok() : PredictApi.UnknownModel($"No production version of '{name}' is loaded."))
            .WithName("V2ModelReady").WithSummary("200 when a production version of the model is loaded").RequireApiKeyRole(ApiKeys.Reader);
        v2.MapPost("/models/{name}/infer", InferAsync)
            .WithName("V2Infer").WithSummary("Tensors in, tensors out: one [N,1] input per feature; label (BYTES) + probabilities (FP32 [N,K]) or prediction (FP64)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireApiKeyRole(ApiKeys.Consumer);
        return app;
    }

    private static Task<IResult> InferAsync(string name, HttpRequest request, ModelCatalog catalog, PredictionLog log, IOptions<InferenceOptions> options,
        PredictAllowance allowance, CancellationToken cancellationToken)
    {
        if (PredictApi.Refused(request, allowance) is { } refused) return Task.FromResult(refused);
        var model = catalog.Acquire(name);
        return model is null
            ? Task.FromResult(PredictApi.UnknownModel($"No production version of '{name}' is loaded."))
            : PredictApi.ScoreAsync(model, request, log, options.Value, Stopwatch.GetTimestamp(), PredictApi.ResponseKind.Infer, cancellationToken);
    }

    private static IResult GetMetadata(string name, ModelCatalog catalog)
    {
        if (catalog.Current(name) is not { } model) return PredictApi.UnknownModel($"No production version of '{name}' is loaded.");
        var signature = model.Signature;
        var inputs = signature.Inputs.Select(i => new TensorMetadata(i.Name, InferRequestReader.DatatypeOf(i.Kind), [-1, 1])).ToArray();
        TensorMetadata[] outputs = signature.Task == MlTask.Regression
            ? [new TensorMetadata("prediction", "FP64", [-1, 1])]
            : [new TensorMetadata("label", "BYTES", [-1, 1]), new TensorMetadata("probabilities", "FP32", [-1, signature.ClassLabels?.Count ?? -1])];
        var metadata = new ModelMetadataResponse(model.Name, [model.Version.ToString(CultureInfo.InvariantCulture)], "onnxruntime_onnx", inputs, outputs);
        return TypedResults.Json(metadata, OpenInferenceJsonContext.Default.ModelMetadataResponse);
    }
}
