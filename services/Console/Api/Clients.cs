using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Contracts;
using Platform.Ingestion.Apis;
using Platform.Ml.Data.Profiling;
using Platform.Monitoring.Apis;
using Platform.OperatorConsole.Login;
using Platform.Registry.Apis;

namespace Platform.OperatorConsole.Api;

public sealed class RegistryClient(HttpClient http, ConsoleSession session) : ServiceClient(http, session)
{
    public Task<ApiResult<List<RegisteredModelResponse>>> ModelsAsync(CancellationToken cancellationToken) => GetAsync<List<RegisteredModelResponse>>("models", cancellationToken);
    public Task<ApiResult<RegisteredModelResponse>> ModelAsync(string name, CancellationToken cancellationToken) => GetAsync<RegisteredModelResponse>($"models/{Uri.EscapeDataString(name)}", cancellationToken);
    public Task<ApiResult<List<AuditResponse>>> AuditAsync(string name, CancellationToken cancellationToken) => GetAsync<List<AuditResponse>>($"models/{Uri.EscapeDataString(name)}/audit", cancellationToken);

    public Task<ApiResult<ModelVersionResponse>> PromoteAsync(string name, int version, string? reason, CancellationToken cancellationToken) =>
        PostJsonAsync<ModelVersionResponse>($"models/{Uri.EscapeDataString(name)}/versions/{version}/promote", new PromoteRequest(reason), cancellationToken);

    public Task<ApiResult<ModelVersionResponse>> RollbackAsync(string name, string? reason, CancellationToken cancellationToken) =>
        PostJsonAsync<ModelVersionResponse>($"models/{Uri.EscapeDataString(name)}/rollback", new PromoteRequest(reason), cancellationToken);

    /// <summary>Null when the Registry accepts <paramref name="key"/> (every role reads it), else its problem.</summary>
    public async Task<ApiProblem?> CheckKeyAsync(string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "models?stage=production");
        request.Headers.Add(ApiKeys.HeaderName, key);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : await ProblemOf(response, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new ApiProblem(503, "Registry unreachable", e.Message);
        }
    }
}

public sealed class TrainingClient(HttpClient http, ConsoleSession session) : ServiceClient(http, session)
{
    public Task<ApiResult<List<RunResponse>>> RunsAsync(string? model, CancellationToken cancellationToken) =>
        GetAsync<List<RunResponse>>(model is null ? "runs" : $"runs?model={Uri.EscapeDataString(model)}", cancellationToken);

    public Task<ApiResult<RunResponse>> RunAsync(Guid id, CancellationToken cancellationToken) => GetAsync<RunResponse>($"runs/{id}", cancellationToken);

    public Task<ApiResult<RetrainAccepted>> RetrainAsync(string name, string? reason, CancellationToken cancellationToken) =>
        PostJsonAsync<RetrainAccepted>($"models/{Uri.EscapeDataString(name)}/retrain", new RetrainRequest(reason), cancellationToken);
}

public sealed class IngestionClient(HttpClient http, ConsoleSession session) : ServiceClient(http, session)
{
    public Task<ApiResult<List<DatasetResponse>>> DatasetsAsync(CancellationToken cancellationToken) => GetAsync<List<DatasetResponse>>("datasets", cancellationToken);
    public Task<ApiResult<DatasetResponse>> DatasetAsync(string name, CancellationToken cancellationToken) => GetAsync<DatasetResponse>($"datasets/{Uri.EscapeDataString(name)}", cancellationToken);

    public Task<ApiResult<DatasetProfile>> ProfileAsync(string name, int version, CancellationToken cancellationToken) =>
        GetAsync<DatasetProfile>($"datasets/{Uri.EscapeDataString(name)}/versions/{version}/profile", cancellationToken);

    public Task<ApiResult<VersionComparison>> CompareAsync(string name, int reference, int current, CancellationToken cancellationToken) =>
        GetAsync<VersionComparison>($"datasets/{Uri.EscapeDataString(name)}/versions/{reference}/compare/{current}", cancellationToken);

    /// <summary>Uploads a CSV as the next version of <paramref name="name"/>: training starts at once.</summary>
    /// <param name="kinds">Ingestion's kinds= option ("column:kind,..."), or null to let it infer every kind.</param>
    public async Task<ApiResult<DatasetVersionResponse>> UploadAsync(string name, string target, string task, Stream csv, string? kinds, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"datasets/{Uri.EscapeDataString(name)}?target={Uri.EscapeDataString(target)}&task={Uri.EscapeDataString(task)}"
            + (kinds is null ? "" : $"&kinds={Uri.EscapeDataString(kinds)}"))
        {
            Content = new StreamContent(csv),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await SendAsync<DatasetVersionResponse>(request, cancellationToken);
    }
}

public sealed class MonitoringClient(HttpClient http, ConsoleSession session) : ServiceClient(http, session)
{
    public Task<ApiResult<List<DriftReportResponse>>> DriftAsync(string model, int limit, CancellationToken cancellationToken) =>
        GetAsync<List<DriftReportResponse>>($"drift/{Uri.EscapeDataString(model)}?limit={limit}", cancellationToken);
}

public sealed class InferenceClient(HttpClient http, ConsoleSession session) : ServiceClient(http, session)
{
    /// <summary>Predicts one row; the answer as the service gave it (model, version, predictions, predictionIds).</summary>
    public Task<ApiResult<JsonElement>> PredictAsync(string name, IReadOnlyDictionary<string, object?> instance, CancellationToken cancellationToken) =>
        PostJsonAsync<JsonElement>($"models/{Uri.EscapeDataString(name)}/predict", new { instances = new[] { instance } }, cancellationToken);

    /// <summary>The platform's own metrics (Prometheus text) as Inference serves them.</summary>
    public Task<ApiResult<string>> MetricsAsync(CancellationToken cancellationToken) => GetTextAsync("metrics", cancellationToken);
}
