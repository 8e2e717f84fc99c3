using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Model;
using Platform.Ingestion.Validation;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Ingestion;

/// <param name="Append">Build the next version from the newest one plus these rows.</param>
/// <param name="NewSchema">Start a new schema version instead of holding the file to the newest version's schema.</param>
/// <param name="SubmissionId">The producer's correlation id (bus submissions): the idempotency key of a redelivery.</param>
/// <param name="Source">"upload" or "feedback", passed on in <c>DatasetUploaded</c> with <paramref name="Lineage"/>.</param>
/// <param name="Kinds">Kinds the uploader sets instead of inferring them (<see cref="ColumnKindOverrides"/>); null: all inferred.</param>
public sealed record IngestRequest(
    string DatasetName, string? Target, string? Task, bool Append = false, bool NewSchema = false, Guid? SubmissionId = null,
    string Source = DatasetSources.Upload, DatasetLineage? Lineage = null, IReadOnlyDictionary<string, ColumnKind>? Kinds = null);

/// <summary>The outcome of one submission: a new version, the version that already holds the same submission, or a rejection.</summary>
public sealed record IngestResult(DatasetVersion? Version, bool Created, IReadOnlyList<RejectionReason> Problems, long TotalProblems)
{
    public IReadOnlyList<string> Errors => Problems.Select(p => p.Message).ToList();

    public static IngestResult Existing(DatasetVersion version) => new(version, false, [], 0);

    public static IngestResult Rejected(ProblemReport problems) => new(null, false, problems.First, problems.Total);

    public static IngestResult Rejected(string code, string message, string? column = null) =>
        new(null, false, [new RejectionReason(code, message, column)], 1);
}

/// <summary>Two submissions raced for the same version number; the loser is told to try again (the bus retries by itself).</summary>
public sealed class IngestConflictException(string dataset, Exception inner)
    : Exception($"Another submission to '{dataset}' was stored at the same moment; submit again.", inner);

/// <summary>
/// Validates a staged submission against the dataset's schema contract in one streaming pass, stores it as the next
/// version (content-addressed) with its profile, and queues <c>DatasetUploaded</c> in the same transaction.
/// </summary>
public sealed class DatasetIngestor(IngestionDbContext db, ContentStore store, IOptions<IngestionOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A profile of an all-infinite column has no finite statistics; never fail to store it for that.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task<IngestResult> IngestAsync(IngestRequest request, ContentStore.StagedContent staged, CancellationToken cancellationToken)
    {
        ContentStore.StagedContent? output = null;
        try
        {
            var existing = await FindExistingAsync(request, staged.Sha256, cancellationToken);
            if (existing is not null) return IngestResult.Existing(existing);

            var previous = await db.DatasetVersions.AsNoTracking()
                .Where(v => v.DatasetName == request.DatasetName)
                .OrderByDescending(v => v.Version)
                .FirstOrDefaultAsync(cancellationToken);
            var contract = previous is null || request.NewSchema ? null : ContractOf(previous);

            var early = CheckRequest(request, previous, contract, out var target, out var requestedTask);
            if (early is not null) return early;

            var validation = await new DatasetValidator(store, options.Value.MaxLineBytes, options.Value.MaxReportedProblems, options.Value.MaxCategoriesInSchema,
                    options.Value.NumericColumnShare)
                .ValidateAsync(new ValidationRequest(staged, request.Append ? store.PathOf(previous!.Sha256) : null, contract, target!, options.Value.BadRows, request.Kinds), cancellationToken);
            output = validation.Output;
            if (validation.Output is null) return IngestResult.Rejected(validation.Problems);
            if (request.Kinds is { Count: > 0 } kinds
                && ColumnKindOverrides.Conflict(kinds, validation.Columns.Select(c => c.Name).ToList(), contract?.Columns) is { } conflict)
                return IngestResult.Rejected(ProblemCodes.Kinds, conflict);

            var targetProblems = CheckTarget(validation, target!, requestedTask, out var task);
            if (targetProblems.Any) return IngestResult.Rejected(targetProblems);

            return await StoreAsync(request, staged, validation, previous, target!, task, cancellationToken);
        }
        finally
        {
            // Whatever was not moved into the store goes: a rejection leaves no bytes behind.
            if (File.Exists(staged.TempPath)) store.Discard(staged);
            if (output is not null && File.Exists(output.TempPath)) store.Discard(output);
        }
    }

    private async Task<DatasetVersion?> FindExistingAsync(IngestRequest request, string sha256, CancellationToken cancellationToken)
    {
        var versions = db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == request.DatasetName);
        if (request.SubmissionId is { } id)
        {
            var bySubmission = await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.SubmissionId == id, cancellationToken);
            if (bySubmission is not null) return bySubmission;
        }

        // The same bytes again: for a whole file, the version that holds (or was cut from) them; for an append, the
        // version that already appended this batch.
        return request.Append
            ? await versions.Where(v => v.AppendedTo != null && v.SubmittedSha256 == sha256).OrderBy(v => v.Version).FirstOrDefaultAsync(cancellationToken)
            : await versions.Where(v => v.AppendedTo == null && (v.Sha256 == sha256 || v.SubmittedSha256 == sha256)).OrderBy(v => v.Version).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Problems visible before reading a byte: what to append to, the target, the task and the contract.</summary>
    private static IngestResult? CheckRequest(IngestRequest request, DatasetVersion? previous, SchemaContract? contract, out string? target, out MlTask? task)
    {
        target = request.Target ?? previous?.Target;
        task = null;
        if (request.Append && previous is null)
            return IngestResult.Rejected(ProblemCodes.Append, $"There is no version of '{request.DatasetName}' to append to: submit the first version without append.");
        if (request.Append && request.NewSchema)
            return IngestResult.Rejected(ProblemCodes.Append, "An append keeps the schema of the version it extends; a new schema version needs a whole file.");
        if (string.IsNullOrWhiteSpace(target))
            return IngestResult.Rejected(ProblemCodes.Target, "No target column: pass ?target=<column>.");

        var taskName = request.Task ?? previous?.Task;
        if (taskName is not null)
        {
            if (!MlTaskNames.TryParse(taskName, out var parsed))
                return IngestResult.Rejected(ProblemCodes.Task, $"Unknown task '{taskName}': use regression, binary or multiclass.");
            task = parsed;
        }

        if (contract is null) return null;
        if (target != contract.Target)
            return IngestResult.Rejected(ProblemCodes.SchemaMismatch,
                $"The target changes from '{contract.Target}' to '{target}': schema version {contract.SchemaVersion} fixes it; pass schema=new to start a new schema version.", target);
        if (task is { } t && t.ToWireName() != contract.Task)
            return IngestResult.Rejected(ProblemCodes.SchemaMismatch,
                $"The task changes from '{contract.Task}' to '{t.ToWireName()}': schema version {contract.SchemaVersion} fixes it; pass schema=new to start a new schema version.", target);
        return null;
    }

    /// <summary>The target against the task, from the profile (the target has no missing value: a row without one is a row problem).</summary>
    private ProblemReport CheckTarget(ValidationResult validation, string target, MlTask? requestedTask, out MlTask task)
    {
        var problems = new ProblemReport(options.Value.MaxReportedProblems);
        var index = validation.Columns.Select(c => c.Name).ToList().IndexOf(target);
        var kind = validation.Columns[index].Kind;
        var distinct = validation.Profile!.Columns[index].Distinct;
        task = requestedTask ?? (kind == "numeric" && distinct > 10 ? MlTask.Regression : distinct == 2 ? MlTask.Binary : MlTask.Multiclass);
        var message = task switch
        {
            MlTask.Regression when kind != "numeric" => $"A regression target must be numeric; '{target}' is {kind}.",
            MlTask.Binary when distinct != 2 => $"A binary target has exactly two values; '{target}' has {distinct}.",
            MlTask.Multiclass when distinct < 2 => $"A multiclass target has at least two values; '{target}' has {distinct}.",
            _ => null,
        };
        if (message is not null) problems.Add(ProblemCodes.Task, message, target);
        return problems;
    }

    private async Task<IngestResult> StoreAsync(
        IngestRequest request, ContentStore.StagedContent staged, ValidationResult validation, DatasetVersion? previous,
        string target, MlTask task, CancellationToken cancellationToken)
    {
        var output = validation.Output!;
        var version = new DatasetVersion
        {
            Id = Guid.NewGuid(),
            DatasetName = request.DatasetName,
            Version = (previous?.Version ?? 0) + 1,
            Sha256 = output.Sha256,
            SizeBytes = output.SizeBytes,
            RowCount = validation.Profile!.RowCount,
            Target = target,
            Task = task.ToWireName(),
            SchemaJson = JsonSerializer.Serialize(validation.Columns, Json),
            SchemaVersion = previous is null ? 1 : request.NewSchema ? previous.SchemaVersion + 1 : previous.SchemaVersion,
            SubmittedSha256 = staged.Sha256,
            SubmissionId = request.SubmissionId,
            AppendedTo = request.Append ? previous!.Version : null,
            DroppedRows = validation.DroppedRows,
            ProfileJson = JsonSerializer.Serialize(validation.Profile, Json),
            Source = DatasetSources.Parse(request.Source),
            CreatedAt = DateTimeOffset.UtcNow,
        };

        // Bytes first, then the row: a crash in between leaves an unreferenced object (harmless, content-addressed),
        // never a version without its bytes. A failed commit removes the object it added.
        var added = !store.Contains(output.Sha256);
        store.Commit(output);
        db.DatasetVersions.Add(version);
        db.AddOutboxMessage(new DatasetUploaded(
            version.Id, version.DatasetName, version.Version, version.Sha256, version.RowCount, version.Target, version.Task,
            validation.Columns, ContentUri(version), version.CreatedAt, version.Source.ToWireName(), version.AppendedTo, request.Lineage));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or OperationCanceledException)
        {
            if (added && !await db.DatasetVersions.AnyAsync(v => v.Sha256 == output.Sha256, CancellationToken.None)) store.Remove(output.Sha256);
            if (ex is DbUpdateException) throw new IngestConflictException(request.DatasetName, ex);
            throw;
        }

        return new IngestResult(version, true, [], 0);
    }

    public static SchemaContract ContractOf(DatasetVersion version) =>
        new(version.SchemaVersion, version.Version, ColumnsOf(version), version.Target, version.Task);

    public static IReadOnlyList<ColumnInfo> ColumnsOf(DatasetVersion version) =>
        JsonSerializer.Deserialize<List<ColumnInfo>>(version.SchemaJson, Json)!;

    public static DatasetProfile? ProfileOf(DatasetVersion version) =>
        version.ProfileJson is null ? null : JsonSerializer.Deserialize<DatasetProfile>(version.ProfileJson, Json);

    public Uri ContentUri(DatasetVersion version) =>
        new(options.Value.PublicBaseUrl, $"datasets/{Uri.EscapeDataString(version.DatasetName)}/versions/{version.Version}/content");
}
