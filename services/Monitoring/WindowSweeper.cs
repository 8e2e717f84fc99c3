using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;

namespace Platform.Monitoring;

/// <summary>
/// Runs <see cref="DriftMonitor.SweepAsync"/> every <see cref="MonitoringOptions.SweepInterval"/>: without it the
/// time-based window of a model that stopped receiving traffic would wait for a batch that never comes.
/// </summary>
public sealed class WindowSweeper(IServiceScopeFactory scopes, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<WindowSweeper> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.SweepInterval, options.Value.SweepInterval, clock, SweepAsync,
            // The next tick tries again (e.g. the database restarting, or another replica closed the window first).
            ex => logger.LogWarning(ex, "Window sweep failed; retrying in {Interval}", options.Value.SweepInterval),
            stoppingToken);

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DriftMonitor>().SweepAsync(cancellationToken);
    }
}
