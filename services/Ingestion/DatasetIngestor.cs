using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Model;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Ingestion;

public sealed record IngestRequest(string DatasetName, string? Target, string? Task);

/// <summary>The outcome of one submission: a new version, the version that already holds the same bytes, or a rejection.</summary>
public sealed record IngestResult(DatasetVersion? Version, bool Created, IReadOnlyList<string> Errors)
{
    public static IngestResult Rejected(params string[] errors) => new(null, false, errors);
}

/// <summary>Validates staged CSV content, stores it as the next version of a dataset and queues <c>DatasetUploaded</c>.</summary>
public sealed class DatasetIngestor(IngestionDbContext db, ContentStore store, IOptions<IngestionOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IngestResult> IngestAsync(IngestRequest request, ContentStore.StagedContent staged, CancellationToken cancellationToken)
    {
        var existing = await db.DatasetVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.DatasetName == request.DatasetName && v.Sha256 == staged.Sha256, cancellationToken);
        if (existing is not null)
        {
            store.Discard(staged);
            return new IngestResult(existing, false, []);
        }

        var previous = await db.DatasetVersions.AsNoTracking()
            .Where(v => v.DatasetName == request.DatasetName)
            .OrderByDescending(v => v.Version)
            .FirstOrDefaultAsync(cancellationToken);

        Table table;
        try
        {
            table = CsvTableReader.Read(staged.TempPath);
        }
        catch (Exception ex) when (ex is CsvFormatException or DecoderFallbackException or Sylvan.Data.Csv.CsvFormatException)
        {
            store.Discard(staged);
            return IngestResult.Rejected(ex is DecoderFallbackException ? "The file is not valid UTF-8." : ex.Message);
        }

        var target = request.Target ?? previous?.Target;
        var errors = Validate(table, target, request.Task ?? previous?.Task, out var task);
        if (errors.Count > 0)
        {
            store.Discard(staged);
            return new IngestResult(null, false, errors);
        }

        store.Commit(staged);
        var columns = table.Columns.Select(c => Describe(c, options.Value.MaxCategoriesInSchema)).ToArray();
        var version = new DatasetVersion
        {
            Id = Guid.NewGuid(),
            DatasetName = request.DatasetName,
            Version = (previous?.Version ?? 0) + 1,
            Sha256 = staged.Sha256,
            SizeBytes = staged.SizeBytes,
            RowCount = table.RowCount,
            Target = target!,
            Task = task.ToWireName(),
            SchemaJson = JsonSerializer.Serialize(columns, Json),
            CreatedAt = DateTimeOffset.UtcNow,
        };

        db.DatasetVersions.Add(version);
        db.AddOutboxMessage(new DatasetUploaded(
            version.Id, version.DatasetName, version.Version, version.Sha256, version.RowCount, version.Target, version.Task,
            columns, ContentUri(version), version.CreatedAt));
        await db.SaveChangesAsync(cancellationToken);
        return new IngestResult(version, true, []);
    }

    public Uri ContentUri(DatasetVersion version) =>
        new(options.Value.PublicBaseUrl, $"datasets/{Uri.EscapeDataString(version.DatasetName)}/versions/{version.Version}/content");

    private static List<string> Validate(Table table, string? target, string? requestedTask, out MlTask task)
    {
        var errors = new List<string>();
        task = default;
        if (table.RowCount == 0) errors.Add("The file has a header but no rows.");
        if (string.IsNullOrWhiteSpace(target))
        {
            errors.Add("No target column: pass ?target=<column>.");
            return errors;
        }

        if (!table.Contains(target))
        {
            errors.Add($"The target column '{target}' is not in the file (columns: {string.Join(", ", table.Columns.Select(c => c.Name))}).");
            return errors;
        }

        if (table.Columns.Count < 2) errors.Add("The file needs at least one feature column besides the target.");
        var targetColumn = table[target];
        var distinct = DistinctTargetValues(targetColumn);
        var missing = targetColumn.Numbers?.Count(double.IsNaN) ?? targetColumn.Texts!.Count(t => t is null);
        if (missing > 0) errors.Add($"The target column '{target}' has {missing} missing values.");

        if (requestedTask is null)
        {
            task = targetColumn.Kind == ColumnKind.Numeric && distinct > 10 ? MlTask.Regression
                : distinct == 2 ? MlTask.Binary : MlTask.Multiclass;
        }
        else if (!MlTaskNames.TryParse(requestedTask, out task))
        {
            errors.Add($"Unknown task '{requestedTask}': use regression, binary or multiclass.");
            return errors;
        }

        switch (task)
        {
            case MlTask.Regression when targetColumn.Kind != ColumnKind.Numeric:
                errors.Add($"A regression target must be numeric; '{target}' holds text.");
                break;
            case MlTask.Binary when distinct != 2:
                errors.Add($"A binary target has exactly two values; '{target}' has {distinct}.");
                break;
            case MlTask.Multiclass when distinct < 2:
                errors.Add($"A multiclass target has at least two values; '{target}' has {distinct}.");
                break;
        }

        return errors;
    }

    private static int DistinctTargetValues(TableColumn column) =>
        column.Numbers is not null
            ? column.Numbers.Where(v => !double.IsNaN(v)).Distinct().Count()
            : column.Texts!.Where(t => t is not null).Distinct(StringComparer.Ordinal).Count();

    private static ColumnInfo Describe(TableColumn column, int maxCategories)
    {
        if (column.Kind != ColumnKind.Categorical) return new ColumnInfo(column.Name, column.Kind.ToWireName());
        var categories = column.Texts!.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new ColumnInfo(column.Name, column.Kind.ToWireName(), categories.Length <= maxCategories ? categories : null);
    }
}
