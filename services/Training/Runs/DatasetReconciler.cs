using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults;
using Platform.Training.Model;

namespace Platform.Training.Runs;

/// <summary>
/// Converges with Ingestion even when a <c>DatasetUploaded</c> was lost or is late: shortly after start-up and then
/// every <see cref="RunLifecycleOptions.ReconcileInterval"/>, asks Ingestion for each dataset's newest version and
/// queues a run for any that has none. Only the newest: a run on it covers older versions nobody trained.
/// </summary>
public sealed class DatasetReconciler(
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    IOptions<TrainingOptions> training,
    IOptions<RunLifecycleOptions> options,
    TimeProvider clock,
    ILogger<DatasetReconciler> logger) : BackgroundService
{
    public const string HttpClientName = "ingestion-reconciliation";
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.ReconcileInterval, FirstDelay, clock, PassAsync,
            ex => logger.LogWarning(ex, "Reconciliation with Ingestion failed; trying again in {Interval}", options.Value.ReconcileInterval),
            stoppingToken);

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var queued = await ReconcileAsync(cancellationToken);
        if (queued > 0) logger.LogWarning("Reconciliation with Ingestion queued {Count} run(s) for dataset versions without one", queued);
    }

    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var datasets = await http.GetFromJsonAsync<List<DatasetResponse>>(new Uri(training.Value.IngestionUrl, "datasets"), cancellationToken) ?? [];
        var queued = 0;
        foreach (var newest in datasets.Select(d => d.Versions.MaxBy(v => v.Version)).OfType<DatasetVersionResponse>())
        {
            // Labelled rows from feedback ask for no run of their own (they count towards a drift's wait, as in
            // DatasetUploadedConsumer; the drift retrain trains on them): queuing one here trained a second model after
            // every restart during a drift retrain. Ingestion says so; the version's event, if it came, said so too.
            if (newest.Source == DatasetSource.Feedback) continue;
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<Infrastructure.TrainingDbContext>().DatasetVersions.AnyAsync(
                    v => v.DatasetName == newest.Name && v.Version == newest.Version && v.Source == Platform.Contracts.DatasetSources.Feedback, cancellationToken))
                continue;
            var queue = scope.ServiceProvider.GetRequiredService<RunQueue>();
            try
            {
                var run = await queue.EnqueueDatasetVersionAsync(new DatasetPointer
                {
                    ModelName = newest.Name, DatasetName = newest.Name, DatasetVersion = newest.Version, DatasetVersionId = newest.Id,
                    Sha256 = newest.Sha256, Target = newest.Target, Task = newest.Task, ContentUri = newest.ContentUri.ToString(),
                    ColumnKinds = DatasetPointer.KindsOf(newest.Columns),
                }, cancellationToken);
                if (run is not null) queued++;
            }
            catch (DbUpdateException) when (!cancellationToken.IsCancellationRequested)
            {
                // The DatasetUploaded consumer recorded the same version a moment earlier: nothing is missing.
            }
        }

        return queued;
    }
}
