using Microsoft.Extensions.Options;

namespace Platform.Inference.Serving;

/// <summary>
/// At start-up, asks the Registry for every production model and loads it; the replica reports ready only once
/// this has succeeded, so a load balancer never sends it traffic it cannot serve.
/// </summary>
public sealed class ProductionModelsLoader(
    IHttpClientFactory httpClients,
    IServiceProvider services,
    IOptions<InferenceOptions> options,
    ILogger<ProductionModelsLoader> logger) : BackgroundService
{
    private volatile bool _loaded;

    public bool Loaded => _loaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LoadAllAsync(stoppingToken);
                _loaded = true;
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not load production models yet; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(nameof(ProductionModelsLoader));
        var models = await http.GetFromJsonAsync<List<RegisteredModel>>(new Uri(options.Value.RegistryUrl, "models?stage=production"), cancellationToken) ?? [];
        await using var scope = services.CreateAsyncScope();
        var loader = scope.ServiceProvider.GetRequiredService<ModelLoader>();
        foreach (var model in models)
        {
            var production = model.Versions.First(v => v.Version == model.ProductionVersion);
            await loader.LoadAsync(production.ToLoad(model.Name), cancellationToken);
        }

        logger.LogInformation("Loaded {Count} production models at start-up", models.Count);
    }

    private sealed record RegisteredModel(string Name, int? ProductionVersion, List<RegistryVersion> Versions);
}

public sealed class ModelsLoadedCheck(IEnumerable<IHostedService> hosted) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var loader = hosted.OfType<ProductionModelsLoader>().Single();
        return Task.FromResult(loader.Loaded
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("Production models are loaded.")
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("Production models are still loading."));
    }
}
