using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.ServiceDefaults;

namespace Platform.Monitoring;

/// <summary>
/// Keeps a reference for every production version: at start-up and every <see cref="MonitoringOptions.ReconcileInterval"/>
/// it reads the Registry's production versions (<c>GET /models?stage=production</c>) and loads the reference of any
/// whose <c>ModelPromoted</c> never arrived or failed. A batch of predictions from a version without a reference asks
/// for that model at once (<see cref="ReconcileModelAsync"/>, at most once per model per interval), so a missed
/// promotion costs one batch, not a window.
/// </summary>
public sealed class ReferenceReconciler(
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<ReferenceReconciler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastAsked = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.ReconcileInterval, TimeSpan.Zero, clock, ReconcileAllAsync,
            ex => logger.LogWarning(ex, "Could not reconcile references with the Registry; retrying in {Interval}", options.Value.ReconcileInterval),
            stoppingToken);

    /// <summary>Loads the reference of every production version that has none (or an older one's).</summary>
    public async Task ReconcileAllAsync(CancellationToken cancellationToken)
    {
        var models = await Registry().GetFromJsonAsync<List<RegisteredModelResponse>>(
            new Uri(options.Value.RegistryUrl, "models?stage=production"), cancellationToken) ?? [];
        foreach (var model in models)
        {
            if (model.Production is not { } production) continue;
            try
            {
                await EnsureReferenceAsync(production, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One model's training data being unreachable must not keep the others without a reference.
                logger.LogWarning(ex, "Could not load the reference of {Model} v{Version}", production.Model, production.Version);
            }
        }
    }

    /// <summary>
    /// Asks the Registry about one model and loads its production version's reference if it lacks one. False when it
    /// was asked less than an interval ago (the periodic pass will look again) or the Registry does not know the model.
    /// </summary>
    public async Task<bool> ReconcileModelAsync(string modelName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_lastAsked.TryGetValue(modelName, out var last) && now - last < options.Value.ReconcileInterval) return false;
        _lastAsked[modelName] = now;

        using var response = await Registry().GetAsync(new Uri(options.Value.RegistryUrl, $"models/{Uri.EscapeDataString(modelName)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        response.EnsureSuccessStatusCode();
        var model = await response.Content.ReadFromJsonAsync<RegisteredModelResponse>(cancellationToken);
        if (model?.Production is not { } production) return false;
        await EnsureReferenceAsync(production, cancellationToken);
        return true;
    }

    private async Task EnsureReferenceAsync(ModelVersionResponse production, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitoringDbContext>();
        var held = await db.References.AsNoTracking().Where(r => r.ModelName == production.Model).Select(r => (int?)r.Version).FirstOrDefaultAsync(cancellationToken);
        if (held == production.Version) return;

        if (!await scope.ServiceProvider.GetRequiredService<ReferenceLoader>().LoadAsync(production.ToPromotion("reconciled with the Registry"), cancellationToken))
            return;
        logger.LogWarning("Reconciled {Model}: loaded the reference of production v{Version} (held {Held}); its promotion event had not been handled",
            production.Model, production.Version, held is null ? "none" : $"v{held}");
    }

    private HttpClient Registry() => httpClients.CreateClient(nameof(ReferenceReconciler));
}
