using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Inference.Serving;

/// <summary>
/// Versions asked for by number (<c>/models/{name}/versions/{v}/predict</c>) that are not the production one:
/// loaded from the Registry on first use, kept for the next requests, at most <see cref="InferenceOptions.MaxPinnedVersions"/>
/// of them (the least recently used is retired; its session closes when its last request ends). Concurrent first
/// requests for one version share one load; a failed load or an unknown version is not cached.
/// </summary>
public sealed class PinnedModels(ModelCatalog catalog, IServiceScopeFactory scopes, IHttpClientFactory httpClients,
    IOptions<InferenceOptions> options, ILogger<PinnedModels> logger)
{
    private sealed class Entry(Task<ServedModel?> load)
    {
        public Task<ServedModel?> Load { get; } = load;
        public long LastUsed;
    }

    private readonly ConcurrentDictionary<(string Name, int Version), Entry> _entries = new();
    private readonly Lock _evicting = new();

    /// <summary>The version, leased (release it), or null when the Registry has no such version.</summary>
    public async Task<ServedModel?> AcquireAsync(string name, int version, CancellationToken cancellationToken)
    {
        if (catalog.Acquire(name) is { } production)
        {
            if (production.Version == version) return production;
            production.Release();
        }

        var key = (name, version);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, k => new Entry(LoadAsync(k.Name, k.Version)));
            ServedModel? model;
            try
            {
                model = await entry.Load.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }

            if (model is null)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                return null;
            }

            Volatile.Write(ref entry.LastUsed, Environment.TickCount64);
            if (model.TryAcquire())
            {
                EvictBeyondLimit(key);
                return model;
            }

            // Evicted between the lookup and the lease: load again.
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private async Task<ServedModel?> LoadAsync(string name, int version)
    {
        // Not the request's token: other requests wait for the same load.
        var http = httpClients.CreateClient(nameof(PinnedModels));
        using var response = await http.GetAsync(new Uri(options.Value.RegistryUrl, $"models/{Uri.EscapeDataString(name)}/versions/{version}"));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var found = await response.Content.ReadFromJsonAsync(Apis.InferenceJsonContext.Default.ModelVersionResponse)
            ?? throw new InvalidDataException($"The Registry answered no body for {name} v{version}.");

        await using var scope = scopes.CreateAsyncScope();
        var loader = scope.ServiceProvider.GetRequiredService<ModelLoader>();
        try
        {
            var model = await loader.BuildAsync(RegistryReconciler.ToLoad(name, found), CancellationToken.None);
            logger.LogInformation("{Model} v{Version} loaded on demand (pinned)", name, version);
            return model;
        }
        catch (Exception ex)
        {
            ModelLoader.LoadFailures.Add(1, new KeyValuePair<string, object?>("model", name), new KeyValuePair<string, object?>("version", version));
            logger.LogError(ex, "Could not load pinned {Model} v{Version}", name, version);
            throw;
        }
    }

    private void EvictBeyondLimit((string, int) keep)
    {
        if (_entries.Count <= options.Value.MaxPinnedVersions) return;
        lock (_evicting)
        {
            while (_entries.Count > options.Value.MaxPinnedVersions)
            {
                var victim = _entries.Where(e => !e.Key.Equals(keep) && e.Value.Load.IsCompletedSuccessfully)
                    .OrderBy(e => Volatile.Read(ref e.Value.LastUsed)).FirstOrDefault();
                if (victim.Value is null || !_entries.TryRemove(victim)) return;
                victim.Value.Load.Result?.Retire();
            }
        }
    }
}
