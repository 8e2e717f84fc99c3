using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Apis;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Outbox;
using Platform.Tests;

namespace Platform.Monitoring.Tests;

/// <summary>
/// Lists cut by the database on both providers (SQLite's dates are integers): GET /feedback/submissions newest first
/// and limited, and the outbox rows the dispatcher publishes next.
/// </summary>
public sealed class SubmissionListTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Submissions_are_listed_newest_first_up_to_the_limit_for_the_model_asked_for(string provider)
    {
        await using var database = await TestDatabase<MonitoringDbContext>.CreateAsync(provider, "monitoringdb", o => new MonitoringDbContext(o));
        await using (var db = database.Open())
        {
            db.Submissions.AddRange(Submission("world", 2), Submission("world", 0), Submission("iris", 5), Submission("world", 3), Submission("world", 1));
            await db.SaveChangesAsync();
        }

        Assert.Equal([3, 2], await ListedAsync(database, "world", 2));
        Assert.Equal([3, 2, 1, 0], await ListedAsync(database, "world", null));
        Assert.Equal([5, 3, 2, 1, 0], await ListedAsync(database, null, null));
        Assert.Equal([5], await ListedAsync(database, null, 0));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Outbox_rows_from_the_first_one_too_young_onwards_wait_even_an_older_one_committed_after_it(string provider)
    {
        await using var database = await TestDatabase<MonitoringDbContext>.CreateAsync(provider, "monitoringdb", o => new MonitoringDbContext(o));
        var created = new[] { T0.AddHours(-2), T0.AddHours(-2), T0, T0.AddHours(-2) };
        var ids = new List<long>();
        foreach (var at in created)
        {
            // One commit each: ids follow commit order.
            await using var db = database.Open();
            var row = new OutboxMessage { MessageType = "test", Payload = "{}", CreatedAt = at };
            db.Set<OutboxMessage>().Add(row);
            await db.SaveChangesAsync();
            ids.Add(row.Id);
        }

        var cutoff = T0.AddHours(-1);
        Assert.Equal(ids, await UnpublishedAsync(database, null));
        Assert.Equal(ids[..2], await UnpublishedAsync(database, cutoff));

        await DispatchAsync(database, ids[0]);
        Assert.Equal([ids[1]], await UnpublishedAsync(database, cutoff));
        await DispatchAsync(database, ids[2]);
        Assert.Equal([ids[1], ids[3]], await UnpublishedAsync(database, cutoff));
    }

    private static async Task<List<int>> ListedAsync(TestDatabase<MonitoringDbContext> database, string? model, int? limit)
    {
        await using var db = database.Open();
        var listed = (await FeedbackApi.ListSubmissionsAsync(model, limit, db, CancellationToken.None)).Value!;
        return listed.Select(s => s.Rows).ToList();
    }

    private static async Task<List<long>> UnpublishedAsync(TestDatabase<MonitoringDbContext> database, DateTimeOffset? createdBy)
    {
        await using var db = database.Open();
        return await db.Unpublished(createdBy).Select(m => m.Id).ToListAsync();
    }

    private static async Task DispatchAsync(TestDatabase<MonitoringDbContext> database, long id)
    {
        await using var db = database.Open();
        await db.Set<OutboxMessage>().Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, T0));
    }

    // Rows carries the minutes after T0 it was created at: the order is read back from it.
    private static FeedbackSubmission Submission(string model, int minutes) => new()
    {
        Id = Guid.NewGuid(), ModelName = model, DatasetName = model, Rows = minutes, From = T0, To = T0,
        Status = SubmissionStatus.Pending, CreatedAt = T0.AddMinutes(minutes), SentAt = T0,
    };
}
