using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Tests;
using Platform.Training.DataPolicy;
using Platform.Training.Model;

namespace Platform.Training.Tests;

/// <summary>The no-pointless-retrain rule over the Training module, its database and its bus consumers.</summary>
public sealed class RetrainSchedulerTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Drift_without_new_labelled_rows_waits_and_retrains_by_itself_on_the_rows_newer_than_the_drift()
    {
        await using var host = new TrainingHost(minNewRows: 500);
        await host.StartAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);

        // v1: the producer's upload trains at once.
        await host.UploadAsync(1, TrainingHost.World(300, 3, -2, 1, header: true), 300, DatasetSources.Upload, null, t0);
        var first = await Eventually.ValueAsync(() => host.QueryAsync(db => db.Runs.FirstOrDefaultAsync(r => r.Status == RunStatus.Succeeded)), Slow, () => "the first run");
        host.ChampionRun = first.Id;

        // v2: labelled rows of the same world from feedback: recorded, not trained on.
        await host.UploadAsync(2, TrainingHost.World(300, 3, -2, 1, true) + TrainingHost.World(300, 3, -2, 2, false), 600, DatasetSources.Feedback, 1, t0.AddMinutes(2));
        await Eventually.HoldsAsync(() => host.QueryAsync(db => db.DatasetVersions.AnyAsync(v => v.Version == 2)), Slow, () => "v2 recorded");

        // Drift: no labelled row is newer than it, so the model waits instead of retraining the same bytes.
        var report = Guid.NewGuid();
        await host.Harness.Bus.Publish(new DriftDetected(report, TrainingHost.Model, 1, 0.5, 0.3, [], 1000, t0.AddMinutes(5), t0.AddMinutes(6), t0.AddMinutes(6)));
        var wait = await Eventually.ValueAsync(() => host.QueryAsync(db => db.RetrainWaits.FirstOrDefaultAsync(w => w.Id == report)), Slow, () => "the wait");
        Assert.Equal((RetrainWaitStatus.Awaiting, 0, 500, 600), (wait.Status, wait.HaveRows, wait.NeededRows, wait.BaseRows));
        await Eventually.HoldsAsync(() => host.Harness.Published.Any<RetrainAwaitingData>(m => m.Context.Message.ReportId == report && m.Context.Message.HaveRows == 0), Slow, "RetrainAwaitingData with 0 rows");

        // v3: 300 rows of the changed world: 300 of 500.
        var changed = TrainingHost.World(300, 3, -2, 1, true) + TrainingHost.World(300, 3, -2, 2, false) + TrainingHost.World(300, -3, 2, 3, false);
        await host.UploadAsync(3, changed, 900, DatasetSources.Feedback, 2, t0.AddMinutes(7));
        await Eventually.HoldsAsync(() => host.QueryAsync(db => db.RetrainWaits.AnyAsync(w => w.Id == report && w.HaveRows == 300)), Slow, () => "300 of 500 rows");
        Assert.Equal(1, await host.QueryAsync(db => db.Runs.CountAsync()));

        // v4: 600 new rows: the retrain starts by itself, on those rows only, the newest 120 held out for the gate.
        await host.UploadAsync(4, changed + TrainingHost.World(300, -3, 2, 4, false), 1200, DatasetSources.Feedback, 3, t0.AddMinutes(8));
        var retrain = await Eventually.ValueAsync(() => host.QueryAsync(db => db.Runs.FirstOrDefaultAsync(r => r.Trigger == TriggerNames.Drift && r.Status == RunStatus.Succeeded)),
            Slow, () => "the drift retrain");

        Assert.Equal($"drift:{report}", retrain.TriggerKey);
        Assert.Equal(4, retrain.DatasetVersion);
        var data = retrain.Data!;
        Assert.Equal((600, 1080, 1200), (data.RowFrom, data.GateFrom, data.RowTo));
        Assert.Equal([new VersionRows(3, DatasetSources.Feedback, 600, 900), new VersionRows(4, DatasetSources.Feedback, 900, 1200)], data.Versions);
        Assert.Equal(RetrainWaitStatus.Started, (await host.QueryAsync(db => db.RetrainWaits.SingleAsync(w => w.Id == report))).Status);
        await Eventually.HoldsAsync(() => host.Harness.Published.Any<RetrainAwaitingData>(m => m.Context.Message.ReportId == report && m.Context.Message.Started), Slow, "RetrainAwaitingData started");

        // The gate's rows are the newest, scored for both: the challenger knows the changed world, the champion does not.
        var trained = host.Harness.Published.Select<ModelTrained>().Select(m => m.Context.Message).Single(m => m.RunId == retrain.Id);
        var gate = trained.Gate!;
        Assert.Equal(("rmse", 1, 1080, 1200, 120), (gate.Metric, gate.ChampionVersion, gate.RowFrom, gate.RowTo, gate.ChallengerLosses.Count));
        Assert.Contains("v4 feedback", gate.Provenance);
        Assert.True(gate.ChallengerLosses.Average() * 10 < gate.ChampionLosses.Average());
    }
}
