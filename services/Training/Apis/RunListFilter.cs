using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.Apis;

/// <summary>
/// GET /runs's filters: <c>model=</c>, <c>status=</c> (one of <see cref="RunStatuses"/>) and <c>finishedAfter=</c>
/// (ISO 8601; without an offset it is UTC). The Registry's reconciliation asks for
/// <c>status=succeeded&amp;finishedAfter=…</c>, so the list it reads stays as short as what changed.
/// </summary>
/// <param name="Status">The run status asked for; null with <paramref name="AwaitingData"/> false: every status.</param>
/// <param name="AwaitingData">Only the drift retrains waiting for labelled rows (<c>status=awaiting-data</c>).</param>
public sealed record RunListFilter(string? Model, RunStatus? Status, bool AwaitingData, DateTimeOffset? FinishedAfter)
{
    public static readonly RunListFilter None = new(null, null, false, null);

    /// <summary>Reads the query's values; a bad status or date gives the 400 problem to answer with instead.</summary>
    public static bool TryParse(string? model, string? status, string? finishedAfter, out RunListFilter filter, out ProblemHttpResult? problem)
    {
        filter = None with { Model = string.IsNullOrEmpty(model) ? null : model };
        problem = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (string.Equals(status, RunStatuses.AwaitingData, StringComparison.OrdinalIgnoreCase))
                filter = filter with { AwaitingData = true };
            else if (RunStatuses.All.Contains(status.ToLowerInvariant()) && Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed))
                filter = filter with { Status = parsed };
            else
            {
                problem = Bad("status", $"Unknown status '{status}': one of {string.Join(", ", RunStatuses.All)}.");
                return false;
            }
        }

        if (!string.IsNullOrEmpty(finishedAfter))
        {
            if (!DateTimeOffset.TryParse(finishedAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var after))
            {
                problem = Bad("finishedAfter", $"'{finishedAfter}' is not a date and time: ISO 8601, such as 2026-12-02T13:00:00Z.");
                return false;
            }

            filter = filter with { FinishedAfter = after.ToUniversalTime() };
        }

        return true;
    }

    /// <summary>The runs that pass, filtered by the database (newest first is the caller's).</summary>
    public async Task<List<TrainingRun>> RunsAsync(TrainingDbContext db, CancellationToken cancellationToken) =>
        AwaitingData ? [] : await RunsQuery(db).ToListAsync(cancellationToken);

    /// <summary>The query sent to the database.</summary>
    public IQueryable<TrainingRun> RunsQuery(TrainingDbContext db)
    {
        // Without the run's Evaluation (same row, table splitting): its columns are not even read.
        var query = db.Runs.AsNoTracking();
        if (Model is not null) query = query.Where(r => r.ModelName == Model);
        if (Status is { } status) query = query.Where(r => r.Status == status);
        if (FinishedAfter is { } after) query = query.Where(r => r.FinishedAt > after);
        return query;
    }

    /// <summary>The drift retrains still waiting, when the filter lets them in: they have no status of a run and never finished.</summary>
    public async Task<List<RetrainWait>> WaitsAsync(TrainingDbContext db, CancellationToken cancellationToken)
    {
        if (Status is not null || FinishedAfter is not null) return [];
        return await db.RetrainWaits.AsNoTracking()
            .Where(w => w.Status == RetrainWaitStatus.Awaiting && (Model == null || w.ModelName == Model)).ToListAsync(cancellationToken);
    }

    private static ProblemHttpResult Bad(string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Bad {field}", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
