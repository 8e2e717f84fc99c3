using Microsoft.Extensions.Hosting;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.ServiceDefaults;

/// <summary>
/// The latest result of every health check as the gauge <c>platform.health.status</c> (tag <c>check</c>: the
/// database's connection name, <c>masstransit-bus</c>, <c>models-loaded</c>, ...): 1 healthy, 0.5 degraded, 0 unhealthy.
/// A service that is up but has lost its broker or database says so here, which <c>up</c> alone cannot.
/// </summary>
public sealed class HealthStatusGauge : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, double> _status = new();

    public HealthStatusGauge()
    {
        PlatformTelemetry.Meter.CreateObservableGauge("platform.health.status",
            () => _status.Select(s => new Measurement<double>(s.Value, new KeyValuePair<string, object?>("check", s.Key))),
            description: "Latest health check result: 1 healthy, 0.5 degraded, 0 unhealthy");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
            _status[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        return Task.CompletedTask;
    }
}
