using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Tests;
using Platform.Training.Runs;

namespace Platform.Training.Tests;

/// <summary>Reconciling with Ingestion after lost events: a newest version of labelled feedback rows asks for no run, an upload does.</summary>
public sealed class DatasetReconcilerTests
{
    [Fact]
    public async Task A_newest_version_of_feedback_rows_queues_no_run_even_when_its_event_never_arrived_and_an_upload_does()
    {
        await using var host = new TrainingHost(minNewRows: 500);
        await host.StartAsync();
        var reconciler = host.Services.GetServices<IHostedService>().OfType<DatasetReconciler>().Single();
        var upload = TrainingHost.World(300, 3, -2, 1, header: true);
        var feedback = upload + TrainingHost.World(50, 3, -2, 2, header: false);
        var withMore = feedback + TrainingHost.World(300, 3, -2, 3, header: false);
        // Version 1 already has its run (Training got that event), so only the newest version matters below.
        await host.UploadAsync(1, upload, 300, DatasetSources.Upload, null, DateTimeOffset.UtcNow);
        await Eventually.ValueAsync(() => host.QueryAsync(db => db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.DatasetVersion == 1)),
            TimeSpan.FromMinutes(2), () => "version 1's run");

        // Version 2 (feedback) reached Ingestion; its DatasetUploaded never reached Training.
        Version(host, 1, host.Store(1, upload), 300, DatasetSource.Upload);
        Version(host, 2, host.Store(2, feedback), 350, DatasetSource.Feedback);
        await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.False(await host.QueryAsync(db => db.Runs.AnyAsync(r => r.DatasetVersion == 2)));

        // An upload after it, equally lost: the reconciler queues its run.
        Version(host, 3, host.Store(3, withMore), 650, DatasetSource.Upload);
        await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.True(await host.QueryAsync(db => db.Runs.AnyAsync(r => r.DatasetVersion == 3)));
    }

    private static void Version(TrainingHost host, int version, string sha, long rows, DatasetSource source)
    {
        lock (host.IngestionDatasets)
        {
            var versions = host.IngestionDatasets.SingleOrDefault()?.Versions ?? [];
            var added = new DatasetVersionResponse(Guid.NewGuid(), TrainingHost.Model, version, sha, 0, rows, "y", TaskNames.Regression,
                [new ColumnInfo("x1", "numeric"), new ColumnInfo("x2", "numeric"), new ColumnInfo("y", "numeric")],
                new Uri($"http://ingestion/datasets/{TrainingHost.Model}/versions/{version}/content"), DateTimeOffset.UtcNow, 1,
                version > 1 ? version - 1 : null, 0, source);
            host.IngestionDatasets.Clear();
            host.IngestionDatasets.Add(new DatasetResponse(TrainingHost.Model, version, [.. versions, added]));
        }
    }
}
