using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// Makes this replica serve exactly the Registry's production versions. At start-up it reads
/// <c>GET /models?stage=production</c> and loads every version (the replica is not ready until one pass has loaded
/// them all, so a load balancer never sends it traffic it cannot serve); then it reads it again every
/// <see cref="InferenceOptions.ReconcileInterval"/> and loads what changed, swaps what moved (a rollback too) and
/// unloads what the Registry no longer has in production. <c>ModelPromoted</c> is the fast path; this is what catches a
/// promotion whose event never reached this replica (its temporary queue is gone while it is disconnected from the
/// broker). Pinned versions are not the catalog's and stay loaded.
/// </summary>
public sealed class RegistryReconciler(
    IHttpClientFactory httpClients,
    IServiceProvider services,
    ModelCatalog catalog,
    IOptions<InferenceOptions> options,
    ILogger<RegistryReconciler> logger) : BackgroundService
{
    private static readonly Counter<long> Corrections = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.inference.reconcile.corrections", description: "Models loaded, swapped or unloaded because the Registry said so and no event had");

    private volatile bool _loaded;

    /// <summary>Whether a pass has loaded every production version (readiness).</summary>
    public bool Loaded => _loaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan next;
            try
            {
                var failures = await ReconcileAsync(stoppingToken);
                if (failures == 0) _loaded = true;
                next = _loaded ? options.Value.ReconcileInterval : retry;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not read the Registry's production models; serving what is loaded");
                next = _loaded ? options.Value.ReconcileInterval : retry;
            }

            if (!_loaded) retry = TimeSpan.FromSeconds(Math.Min(30, retry.TotalSeconds * 2));
            try
            {
                await Task.Delay(next, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass; returns how many production versions could not be loaded (each is logged and counted).</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        // Only what was served before the read may be unloaded: a model promoted (by event) during it is not stale.
        var servedBefore = catalog.Models;
        var http = httpClients.CreateClient(nameof(RegistryReconciler));
        var models = await http.GetFromJsonAsync(new Uri(options.Value.RegistryUrl, "models?stage=production"),
            Apis.InferenceJsonContext.Default.ListRegisteredModelResponse, cancellationToken) ?? [];

        await using var scope = services.CreateAsyncScope();
        var loader = scope.ServiceProvider.GetRequiredService<ModelLoader>();
        var failures = 0;
        var production = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (model.Production is not { } version) continue;
            production.Add(model.Name);
            var served = catalog.Current(model.Name)?.Version;
            if (served == version.Version) continue;
            try
            {
                if (await loader.LoadAsync(ToLoad(model.Name, version), cancellationToken))
                {
                    Corrections.Add(1, new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("action", served is null ? "load" : "swap"));
                    if (_loaded) logger.LogWarning("Reconciled {Model}: v{Version} is in production (was serving {Served}); its promotion event had not arrived",
                        model.Name, version.Version, served is null ? "none" : $"v{served}");
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                ModelLoader.LoadFailures.Add(1, new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", version.Version));
                logger.LogError(ex, "Could not load {Model} v{Version} from the Registry; still serving {Served}", model.Name, version.Version,
                    served is null ? "none" : $"v{served}");
            }
        }

        foreach (var stale in servedBefore.Where(m => !production.Contains(m.Name)))
        {
            if (!catalog.Remove(stale)) continue;
            Corrections.Add(1, new KeyValuePair<string, object?>("model", stale.Name), new KeyValuePair<string, object?>("action", "unload"));
            logger.LogWarning("Unloaded {Model} v{Version}: the Registry has no production version of it", stale.Name, stale.Version);
        }

        if (!_loaded) logger.LogInformation("Loaded {Count} production models at start-up", production.Count - failures);
        return failures;
    }

    public static ModelToLoad ToLoad(string modelName, ModelVersionResponse version) =>
        // A version never promoted (only pinned) sorts before every promotion.
        new(modelName, version.Version, version.PromotedAt ?? DateTimeOffset.MinValue, version.ArtifactUri, version.ArtifactSha256);
}

public sealed class ModelsLoadedCheck(RegistryReconciler reconciler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(reconciler.Loaded
            ? HealthCheckResult.Healthy("Production models are loaded.")
            : HealthCheckResult.Unhealthy("Production models are still loading."));
}
