using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Outbox;

/// <summary>
/// Rows committed but not yet published, per DbContext (tag <c>context</c>), as gauges: how many, and how long the
/// oldest has waited. A backlog that only grows means the broker is unreachable or a row keeps failing.
/// </summary>
internal static class OutboxBacklog
{
    private static readonly ConcurrentDictionary<string, (long Pending, double OldestAgeSeconds)> Latest = new();

    static OutboxBacklog()
    {
        PlatformTelemetry.Meter.CreateObservableGauge("platform.outbox.pending",
            () => Latest.Select(b => new Measurement<long>(b.Value.Pending, new KeyValuePair<string, object?>("context", b.Key))),
            description: "Outbox rows waiting to be published");
        PlatformTelemetry.Meter.CreateObservableGauge("platform.outbox.oldest_age",
            () => Latest.Select(b => new Measurement<double>(b.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("context", b.Key))),
            unit: "s", description: "How long the oldest unpublished outbox row has waited (0 when none waits)");
    }

    public static async Task MeasureAsync(DbContext db, CancellationToken cancellationToken)
    {
        var pending = db.Set<OutboxMessage>().Where(m => m.DispatchedAt == null);
        var count = await pending.LongCountAsync(cancellationToken);
        // The oldest is the next out: the first in commit (id) order, as the dispatcher publishes.
        var oldest = count == 0 ? (DateTimeOffset?)null
            : await pending.OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var age = oldest is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds) : 0;
        Latest[db.GetType().Name] = (count, age);
    }
}
