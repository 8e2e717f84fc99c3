using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;

namespace Platform.Ingestion.Infrastructure;

/// <summary>
/// Deletes staged files left by a process that died mid-upload (<see cref="ContentStore.SweepStaged"/>), at start-up
/// and every <see cref="IngestionOptions.StagingSweepInterval"/>: otherwise each kill leaves up to a whole upload on disk.
/// </summary>
public sealed partial class StagingSweeper(
    ContentStore store, IOptions<IngestionOptions> options, TimeProvider clock, ILogger<StagingSweeper> logger) : BackgroundService
{
    /// <summary>The first sweep runs before the host starts taking uploads: what a killed process left goes at once.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Sweep();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.StagingSweepInterval, options.Value.StagingSweepInterval, clock, _ =>
        {
            Sweep();
            return Task.CompletedTask;
        }, ex => LogSweepFailed(ex, store.StagingFolder), stoppingToken);

    /// <summary>One sweep; a failure (the folder unreadable for a moment) is logged and the next sweep tries again.</summary>
    public void Sweep()
    {
        try
        {
            var deleted = store.SweepStaged(clock.GetUtcNow(), options.Value.StagedFileMaxAge);
            if (deleted.Count > 0) LogSwept(deleted.Count, options.Value.StagedFileMaxAge, store.StagingFolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSweepFailed(ex, store.StagingFolder);
        }
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} staged file(s) untouched for over {MaxAge} in {Folder}: left by a process that stopped mid-upload")]
    private partial void LogSwept(int count, TimeSpan maxAge, string folder);

    [LoggerMessage(LogLevel.Warning, "Could not sweep stale staged files in {Folder}; trying again at the next sweep")]
    private partial void LogSweepFailed(Exception exception, string folder);
}
