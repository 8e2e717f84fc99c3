using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.Apis;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;
using Platform.Tests;

namespace Platform.Training.Tests;

/// <summary>GET /runs?status=&amp;finishedAfter=: the same answer on both providers, the date compared in SQL on both.</summary>
public sealed class RunListFilterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Lists_only_the_runs_in_the_status_asked_for_that_finished_after_the_instant(string provider)
    {
        await using var database = await TestDatabase<TrainingDbContext>.CreateAsync(provider, "trainingdb", o => new TrainingDbContext(o));
        await using (var db = database.Open())
        {
            db.Runs.AddRange(
                Run("old", "world", RunStatus.Succeeded, T0.AddHours(-1)),
                Run("new", "world", RunStatus.Succeeded, T0.AddMinutes(1)),
                // One tick after the instant counts; the instant itself does not ("after").
                Run("edge", "world", RunStatus.Succeeded, T0),
                Run("failed", "world", RunStatus.Failed, T0.AddMinutes(2)),
                Run("running", "world", RunStatus.Running, null),
                Run("other", "iris", RunStatus.Succeeded, T0.AddMinutes(3)));
            db.RetrainWaits.Add(new RetrainWait
            {
                Id = Guid.NewGuid(), ModelName = "world", DatasetName = "world", Kind = DriftKinds.Concept, Status = RetrainWaitStatus.Awaiting,
                NeededRows = 200, CreatedAt = T0,
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal(["new", "other"], await Listed(database, null, "succeeded", "2026-12-02T12:00:00Z"));
        Assert.Equal(["new"], await Listed(database, "world", "succeeded", "2026-12-02T13:00:00+01:00"));
        Assert.Equal(["failed", "new", "other"], await Listed(database, null, null, "2026-12-02T12:00:00"));
        Assert.Equal(["running"], await Listed(database, null, "Running", null));
        Assert.Equal(["awaiting"], await Listed(database, null, "awaiting-data", null));
        Assert.Equal(["awaiting", "edge", "failed", "new", "old", "other", "running"], await Listed(database, null, null, null));

        // Filtered by the database on both providers (SQLite's dates are integers), not after reading every run.
        RunListFilter.TryParse(null, "succeeded", "2026-12-02T12:00:00Z", out var filter, out _);
        await using var query = database.Open();
        var sql = filter.RunsQuery(query).ToQueryString();
        Assert.Contains("\"FinishedAt\" >", sql, StringComparison.Ordinal);
        Assert.Contains("\"Status\" =", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("done", null, "status")]
    [InlineData("1", null, "status")]
    [InlineData(null, "yesterday", "finishedAfter")]
    [InlineData("succeeded", "2026-13-02T00:00:00Z", "finishedAfter")]
    public void A_bad_status_or_date_is_a_400_problem_naming_the_parameter(string? status, string? finishedAfter, string field)
    {
        Assert.False(RunListFilter.TryParse(null, status, finishedAfter, out _, out var problem));
        Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
        Assert.Equal(field, problem.ProblemDetails.Extensions["field"]);
        Assert.Contains(field == "status" ? status! : finishedAfter!, problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    private static async Task<List<string>> Listed(TestDatabase<TrainingDbContext> database, string? model, string? status, string? finishedAfter)
    {
        Assert.True(RunListFilter.TryParse(model, status, finishedAfter, out var filter, out var problem), problem?.ProblemDetails.Detail);
        await using var db = database.Open();
        var runs = await filter.RunsAsync(db, CancellationToken.None);
        var waits = await filter.WaitsAsync(db, CancellationToken.None);
        return runs.Select(r => r.Trigger).Concat(waits.Select(_ => "awaiting")).Order(StringComparer.Ordinal).ToList();
    }

    private static TrainingRun Run(string name, string model, RunStatus status, DateTimeOffset? finishedAt) => new()
    {
        Id = Guid.NewGuid(), ModelName = model, DatasetName = model, DatasetSha256 = "", Trigger = name, TriggerKey = name + Guid.NewGuid(),
        Status = status, QueuedAt = T0.AddHours(-2), StartedAt = T0.AddHours(-2), FinishedAt = finishedAt,
    };
}
