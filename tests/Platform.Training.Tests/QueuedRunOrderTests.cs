using Platform.Training.Infrastructure;
using Platform.Training.Model;
using Platform.Training.Runs;
using Platform.Tests;

namespace Platform.Training.Tests;

/// <summary>Which queued run starts next: the longest-queued one a model may run (none of its runs running), picked by the database on both providers.</summary>
public sealed class QueuedRunOrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_longest_queued_run_of_a_free_model_not_waiting_out_a_delay_goes_first(string provider)
    {
        await using var database = await TestDatabase<TrainingDbContext>.CreateAsync(provider, "trainingdb", o => new TrainingDbContext(o));
        var delayed = Run("delayed", "world", RunStatus.Queued, T0.AddMinutes(-5));
        await using (var db = database.Open())
        {
            // Queued out of their order, beside runs that are no longer queued.
            db.Runs.AddRange(
                Run("world-late", "world", RunStatus.Queued, T0.AddMinutes(2)),
                Run("world-early", "world", RunStatus.Queued, T0.AddMinutes(1)),
                Run("iris", "iris", RunStatus.Queued, T0),
                Run("busy", "busy", RunStatus.Queued, T0.AddMinutes(-1)),
                delayed,
                // The longest-queued of all, but its model has a run running (in this or another replica).
                Run("held", "held", RunStatus.Queued, T0.AddMinutes(-20)),
                Run("held-running", "held", RunStatus.Running, T0.AddMinutes(-30)),
                Run("done", "world", RunStatus.Succeeded, T0.AddMinutes(-10)));
            await db.SaveChangesAsync();
        }

        Assert.Equal("iris", await NextAsync(database, ["busy"], [delayed.Id]));
        Assert.Equal("world-early", await NextAsync(database, ["busy", "iris"], [delayed.Id]));
        Assert.Equal("delayed", await NextAsync(database, ["busy", "iris"], []));
        Assert.Equal("busy", await NextAsync(database, [], [delayed.Id]));
        Assert.Equal("delayed", await NextAsync(database, [], []));
        Assert.Null(await NextAsync(database, ["busy", "iris", "world"], []));
    }

    private static async Task<string?> NextAsync(TestDatabase<TrainingDbContext> database, List<string> busy, List<Guid> waiting)
    {
        await using var db = database.Open();
        var next = await RunRunner.NextQueuedAsync(db, busy, waiting, CancellationToken.None);
        return next is null ? null : (await db.Runs.FindAsync(next.Id))!.Trigger;
    }

    private static TrainingRun Run(string name, string model, RunStatus status, DateTimeOffset queuedAt) => new()
    {
        Id = Guid.NewGuid(), ModelName = model, DatasetName = model, DatasetSha256 = "", Trigger = name, TriggerKey = name + Guid.NewGuid(),
        Status = status, QueuedAt = queuedAt,
    };
}
