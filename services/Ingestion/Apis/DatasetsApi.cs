using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Model;
using Platform.Ingestion.Validation;
using Platform.Ml.Data.Profiling;
using Platform.Ml.Drift;
using Platform.ServiceDefaults.Security;

namespace Platform.Ingestion.Apis;

/// <summary>Drift from version <paramref name="Reference"/> to version <paramref name="Current"/>, on uniform samples of each when they are large.</summary>
public sealed record VersionComparison(
    string Name, int Reference, int Current, long ReferenceRows, long CurrentRows, int ReferenceSampled, int CurrentSampled, DriftReport Report);

public static partial class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/datasets").WithTags("Datasets");
        // The documented upload limit must be reachable: Kestrel's and the form reader's defaults (30 MB, 128 MB) are
        // raised on this endpoint. The exact limit is the handler's (a 413 problem); Kestrel's sits a little above it, so
        // that it can still drain a slightly larger body and the client reads the problem instead of a reset connection.
        var maxUploadBytes = app.ServiceProvider.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxUploadBytes;
        var kestrelUploadBytes = maxUploadBytes > long.MaxValue - UploadDrainSlackBytes ? long.MaxValue : maxUploadBytes + UploadDrainSlackBytes;

        api.MapPost("/{name}", UploadAsync)
            .WithName("UploadDataset")
            .WithSummary("Upload a CSV (text/csv body or multipart file) as the next version of a dataset; append=true adds rows to the newest version, schema=new starts a new schema version, kinds=col:kind,... sets column kinds instead of inferring them")
            .Accepts<IFormFile>("text/csv", "multipart/form-data")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(kestrelUploadBytes))
            .WithFormOptions(multipartBodyLengthLimit: kestrelUploadBytes)
            .RequireApiKeyRole(ApiKeys.Producer)
            .WithRateLimit(RateLimits.Upload);
        api.MapGet("/", ListAsync).WithName("ListDatasets").WithSummary("List datasets and their latest version").RequireApiKeyRole(ApiKeys.Reader);
        api.MapGet("/{name}", GetAsync).WithName("GetDataset").WithSummary("List the versions of a dataset").RequireApiKeyRole(ApiKeys.Reader);
        api.MapGet("/{name}/versions/{version:int}", GetVersionAsync).WithName("GetDatasetVersion").WithSummary("Describe one version").RequireApiKeyRole(ApiKeys.Reader);
        api.MapGet("/{name}/versions/{version:int}/content", GetContentAsync)
            .WithName("GetDatasetContent").WithSummary("Download the bytes of one version (text/csv)")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("download dataset content");
        api.MapGet("/{name}/versions/{version:int}/profile", GetProfileAsync)
            .WithName("GetDatasetProfile").WithSummary("The profile of one version: per column counts, missing, moments, quantiles, histogram, top categories")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("read dataset profile");
        api.MapGet("/{name}/versions/{reference:int}/compare/{current:int}", CompareAsync)
            .WithName("CompareDatasetVersions").WithSummary("Drift between two versions (KS / chi-square with PSI and Wasserstein, Benjamini-Hochberg), on bounded samples")
            .RequireApiKeyRole(ApiKeys.Operator).AuditedAs("compare dataset versions").WithRateLimit(RateLimits.ExpensiveRead);
        return api;
    }

    /// <summary>How far above the upload limit Kestrel still reads (and discards) a body: see MapDatasetsApi.</summary>
    private const long UploadDrainSlackBytes = 16 * 1024 * 1024;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex DatasetName();

    public const string InvalidNameMessage = "A dataset name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.";

    public static bool IsValidName(string? name) => name is not null && DatasetName().IsMatch(name);

    private static async Task<Results<Created<DatasetVersionResponse>, Ok<DatasetVersionResponse>, ProblemHttpResult>> UploadAsync(
        string name, string? target, string? task, bool? append, string? schema, string? kinds, HttpRequest request,
        ContentStore store, DatasetIngestor ingestor, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        if (!IsValidName(name))
            return Problem(StatusCodes.Status400BadRequest, "Invalid dataset name", InvalidNameMessage, ProblemCodes.InvalidName);
        if (schema is not null && schema != "new")
            return Problem(StatusCodes.Status400BadRequest, "Invalid schema parameter", "schema=new starts a new schema version; leave it out to keep the current one.");
        if (!ColumnKindOverrides.TryParse(kinds, out var columnKinds, out var kindsError))
            return Problem(StatusCodes.Status400BadRequest, "Invalid kinds parameter", kindsError!, ProblemCodes.Kinds);

        var maxBytes = options.Value.MaxUploadBytes;
        if (request.ContentLength > maxBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"The upload is larger than the limit of {maxBytes} bytes.", ProblemCodes.TooLarge);

        if (request.ContentType is { } contentType && !MediaTypeHeaderValue.TryParse(contentType, out _))
            return Problem(StatusCodes.Status400BadRequest, "Malformed Content-Type", "The Content-Type header does not parse; send text/csv or multipart/form-data.", ProblemCodes.Content);

        ContentStore.StagedContent staged;
        try
        {
            var body = await OpenCsvAsync(request, cancellationToken);
            if (body is null)
                return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content", "Send the CSV as a text/csv body or as a file in a multipart/form-data form.", ProblemCodes.Content);
            staged = await store.StageAsync(body, maxBytes, cancellationToken);
        }
        catch (UploadTooLargeException ex)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", ex.Message, ProblemCodes.TooLarge);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own body limit, or a body that ended early.
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"The upload is larger than the limit of {maxBytes} bytes.", ProblemCodes.TooLarge)
                : Problem(ex.StatusCode, "Bad request body", ex.Message, ProblemCodes.Content);
        }
        catch (InvalidDataException ex)
        {
            // A multipart body that does not parse (a broken boundary, a section header too long).
            return Problem(StatusCodes.Status400BadRequest, "Malformed multipart body", ex.Message, ProblemCodes.Content);
        }
        catch (IOException ex) when (request.HasFormContentType)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed multipart body", ex.Message, ProblemCodes.Content);
        }

        if (staged.SizeBytes == 0)
        {
            store.Discard(staged);
            return Problem(StatusCodes.Status400BadRequest, "Empty file", "The upload has no bytes.", ProblemCodes.Empty);
        }

        IngestResult result;
        try
        {
            result = await ingestor.IngestAsync(new IngestRequest(name, target, task, append == true, schema == "new", Kinds: columnKinds), staged, cancellationToken);
        }
        catch (IngestConflictException ex)
        {
            return Problem(StatusCodes.Status409Conflict, "Concurrent upload", ex.Message);
        }

        if (result.Version is null)
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The dataset was rejected",
                Detail = Summary(result),
                // errors: the messages (kept for clients of the first API); problems: each with code, column, row and line.
                Extensions = { ["errors"] = result.Errors, ["problems"] = result.Problems, ["totalProblems"] = result.TotalProblems },
            });

        var response = ToResponse(result.Version, ingestor);
        return result.Created
            ? TypedResults.Created($"/datasets/{name}/versions/{result.Version.Version}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Stream?> OpenCsvAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.Files.Count > 0 ? form.Files[0].OpenReadStream() : null;
        }

        var contentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType).MediaType.Value?.ToLowerInvariant();
        return contentType is null or "text/csv" or "application/csv" or "text/plain" or "application/octet-stream" ? request.Body : null;
    }

    private static async Task<Ok<IReadOnlyList<DatasetResponse>>> ListAsync(IngestionDbContext db, DatasetIngestor ingestor, CancellationToken cancellationToken)
    {
        var versions = await db.DatasetVersions.AsNoTracking().ToListAsync(cancellationToken);
        IReadOnlyList<DatasetResponse> datasets = versions
            .GroupBy(v => v.DatasetName)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ToDataset(g.Key, g.OrderByDescending(v => v.Version).Take(1), ingestor))
            .ToList();
        return TypedResults.Ok(datasets);
    }

    private static async Task<Results<Ok<DatasetResponse>, NotFound>> GetAsync(string name, IngestionDbContext db, DatasetIngestor ingestor, CancellationToken cancellationToken)
    {
        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == name).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return versions.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(ToDataset(name, versions, ingestor));
    }

    private static async Task<Results<Ok<DatasetVersionResponse>, NotFound>> GetVersionAsync(string name, int version, IngestionDbContext db, DatasetIngestor ingestor, CancellationToken cancellationToken)
    {
        var found = await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DatasetName == name && v.Version == version, cancellationToken);
        return found is null ? TypedResults.NotFound() : TypedResults.Ok(ToResponse(found, ingestor));
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> GetContentAsync(string name, int version, IngestionDbContext db, ContentStore store, CancellationToken cancellationToken)
    {
        var found = await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DatasetName == name && v.Version == version, cancellationToken);
        if (found is null) return TypedResults.NotFound();
        return TypedResults.File(store.OpenRead(found.Sha256), "text/csv", $"{name}-v{version}.csv", entityTag: new EntityTagHeaderValue($"\"{found.Sha256}\""));
    }

    private static async Task<Results<Ok<DatasetProfile>, NotFound, ProblemHttpResult>> GetProfileAsync(string name, int version, IngestionDbContext db, CancellationToken cancellationToken)
    {
        var found = await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DatasetName == name && v.Version == version, cancellationToken);
        if (found is null) return TypedResults.NotFound();
        var profile = DatasetIngestor.ProfileOf(found);
        return profile is null
            ? Problem(StatusCodes.Status404NotFound, "No profile", $"Version {version} of '{name}' was stored before profiles were kept.")
            : TypedResults.Ok(profile);
    }

    private static async Task<Results<Ok<VersionComparison>, ProblemHttpResult>> CompareAsync(
        string name, int reference, int current, IngestionDbContext db, VersionSampler sampler, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var versions = await db.DatasetVersions.AsNoTracking()
            .Where(v => v.DatasetName == name && (v.Version == reference || v.Version == current))
            .ToListAsync(cancellationToken);
        var a = versions.FirstOrDefault(v => v.Version == reference);
        var b = versions.FirstOrDefault(v => v.Version == current);
        if (a is null || b is null)
            return Problem(StatusCodes.Status404NotFound, "Version not found", $"'{name}' has no version {(a is null ? reference : current)}.");

        var maxRows = options.Value.CompareSampleRows;
        var (referenceTable, referenceRows) = await sampler.SampleAsync(a, DatasetIngestor.ColumnsOf(a), maxRows, cancellationToken);
        var (currentTable, currentRows) = await sampler.SampleAsync(b, DatasetIngestor.ColumnsOf(b), maxRows, cancellationToken);
        var report = DriftAnalyzer.Analyze(referenceTable, currentTable, new DriftOptions());
        return TypedResults.Ok(new VersionComparison(name, reference, current, referenceRows, currentRows, referenceTable.RowCount, currentTable.RowCount, report));
    }

    private static string Summary(IngestResult result)
    {
        var shown = string.Join(" ", result.Errors.Take(5));
        return result.TotalProblems > 5 ? $"{result.TotalProblems} problems; the first: {shown}" : shown;
    }

    private static DatasetResponse ToDataset(string name, IEnumerable<DatasetVersion> versions, DatasetIngestor ingestor)
    {
        var list = versions.Select(v => ToResponse(v, ingestor)).ToList();
        return new DatasetResponse(name, list.Max(v => v.Version), list);
    }

    private static DatasetVersionResponse ToResponse(DatasetVersion v, DatasetIngestor ingestor) => new(
        v.Id, v.DatasetName, v.Version, v.Sha256, v.SizeBytes, v.RowCount, v.Target, v.Task,
        DatasetIngestor.ColumnsOf(v), ingestor.ContentUri(v), v.CreatedAt, v.SchemaVersion, v.AppendedTo, v.DroppedRows, v.Source);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>A rejection before validation, in the same shape as a validation rejection: one problem with its code.</summary>
    private static ProblemHttpResult Problem(int status, string title, string detail, string code) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Extensions = { ["errors"] = new[] { detail }, ["problems"] = new[] { new RejectionReason(code, detail) }, ["totalProblems"] = 1 },
        });
}
