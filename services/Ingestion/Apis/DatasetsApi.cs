using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Model;

namespace Platform.Ingestion.Apis;

public sealed record DatasetVersionResponse(
    Guid Id, string Name, int Version, string Sha256, long SizeBytes, long RowCount, string Target, string Task,
    IReadOnlyList<ColumnInfo> Columns, Uri ContentUri, DateTimeOffset CreatedAt);

public sealed record DatasetResponse(string Name, int LatestVersion, IReadOnlyList<DatasetVersionResponse> Versions);

public static partial class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/datasets").WithTags("Datasets");

        api.MapPost("/{name}", UploadAsync)
            .WithName("UploadDataset")
            .WithSummary("Upload a CSV (text/csv body or multipart file) as the next version of a dataset")
            .Accepts<IFormFile>("text/csv", "multipart/form-data")
            .DisableAntiforgery();
        api.MapGet("/", ListAsync).WithName("ListDatasets").WithSummary("List datasets and their latest version");
        api.MapGet("/{name}", GetAsync).WithName("GetDataset").WithSummary("List the versions of a dataset");
        api.MapGet("/{name}/versions/{version:int}", GetVersionAsync).WithName("GetDatasetVersion").WithSummary("Describe one version");
        api.MapGet("/{name}/versions/{version:int}/content", GetContentAsync)
            .WithName("GetDatasetContent").WithSummary("Download the bytes of one version (text/csv)");
        return api;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex DatasetName();

    private static async Task<Results<Created<DatasetVersionResponse>, Ok<DatasetVersionResponse>, ProblemHttpResult>> UploadAsync(
        string name, string? target, string? task, HttpRequest request,
        ContentStore store, DatasetIngestor ingestor, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        if (!DatasetName().IsMatch(name))
            return Problem(StatusCodes.Status400BadRequest, "Invalid dataset name", "A dataset name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.");

        var maxBytes = options.Value.MaxUploadBytes;
        if (request.ContentLength > maxBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"The upload is larger than the limit of {maxBytes} bytes.");

        ContentStore.StagedContent staged;
        try
        {
            var body = await OpenCsvAsync(request, cancellationToken);
            if (body is null)
                return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content", "Send the CSV as a text/csv body or as a file in a multipart/form-data form.");
            staged = await store.StageAsync(body, maxBytes, cancellationToken);
        }
        catch (UploadTooLargeException ex)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", ex.Message);
        }

        if (staged.SizeBytes == 0)
        {
            store.Discard(staged);
            return Problem(StatusCodes.Status400BadRequest, "Empty file", "The upload has no bytes.");
        }

        var result = await ingestor.IngestAsync(new IngestRequest(name, target, task), staged, cancellationToken);
        if (result.Version is null)
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The dataset was rejected",
                Detail = string.Join(" ", result.Errors),
                Extensions = { ["errors"] = result.Errors },
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

        var contentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType).MediaType.Value;
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

    private static DatasetResponse ToDataset(string name, IEnumerable<DatasetVersion> versions, DatasetIngestor ingestor)
    {
        var list = versions.Select(v => ToResponse(v, ingestor)).ToList();
        return new DatasetResponse(name, list.Max(v => v.Version), list);
    }

    private static DatasetVersionResponse ToResponse(DatasetVersion v, DatasetIngestor ingestor) => new(
        v.Id, v.DatasetName, v.Version, v.Sha256, v.SizeBytes, v.RowCount, v.Target, v.Task,
        JsonSerializer.Deserialize<List<ColumnInfo>>(v.SchemaJson, DatasetIngestor.Json)!, ingestor.ContentUri(v), v.CreatedAt);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
