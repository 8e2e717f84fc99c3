using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Platform.Inference.Serving;

/// <summary>The models this replica serves, one production version per name, swapped atomically.</summary>
public sealed class ModelCatalog
{
    private static readonly Counter<long> Swaps = PlatformTelemetry.Meter.CreateCounter<long>("platform.inference.swaps", description: "Model versions swapped in");
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ServedModel> Models => _models.Values.ToArray();

    /// <summary>The current version of a model, leased: the caller must <see cref="ServedModel.Release"/> it.</summary>
    public ServedModel? Acquire(string name)
    {
        while (_models.TryGetValue(name, out var model))
        {
            if (model.TryAcquire()) return model;
            // Retired between the read and the lease: the replacement is already in the dictionary.
        }

        return null;
    }

    public ServedModel? Current(string name) => _models.TryGetValue(name, out var model) ? model : null;

    /// <summary>Takes a model out of service (it is retired: requests in flight finish on it), if it is still the one served.</summary>
    public bool Remove(ServedModel model)
    {
        if (!_models.TryRemove(KeyValuePair.Create(model.Name, model))) return false;
        model.Retire();
        return true;
    }

    /// <summary>
    /// Puts a warmed-up model in service and retires the one it replaces. A promotion older than the one served
    /// (a late or redelivered event) changes nothing; a rollback is a newer promotion of an older version.
    /// </summary>
    public bool Swap(ServedModel replacement)
    {
        while (true)
        {
            if (_models.TryGetValue(replacement.Name, out var current))
            {
                if (current.Version == replacement.Version || current.PromotedAt > replacement.PromotedAt) return false;
                if (!_models.TryUpdate(replacement.Name, replacement, current)) continue;
                current.Retire();
            }
            else if (!_models.TryAdd(replacement.Name, replacement))
            {
                continue;
            }

            Swaps.Add(1, new KeyValuePair<string, object?>("model", replacement.Name));
            return true;
        }
    }
}
