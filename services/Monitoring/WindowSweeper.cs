using Microsoft.Extensions.Options;

namespace Platform.Monitoring;

/// <summary>
/// Runs <see cref="DriftMonitor.SweepAsync"/> every <see cref="MonitoringOptions.SweepInterval"/>: without it the
/// time-based window of a model that stopped receiving traffic would wait for a batch that never comes.
/// </summary>
public sealed class WindowSweeper(IServiceScopeFactory scopes, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<WindowSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DriftMonitor>().SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again (e.g. the database restarting, or another replica closed the window first).
                logger.LogWarning(ex, "Window sweep failed; retrying in {Interval}", options.Value.SweepInterval);
            }
        }
    }
}
