using System.ComponentModel.DataAnnotations;

namespace Platform.Ingestion;

public sealed class IngestionOptions
{
    /// <summary>Folder of the content-addressed store (files named by SHA-256).</summary>
    [Required]
    public string StoragePath { get; set; } = "data/ingestion";

    /// <summary>
    /// Base address other services use to read content (the claim check in <c>DatasetUploaded</c>). The default is
    /// the service-discovery name, which every platform HttpClient resolves.
    /// </summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://ingestion");

    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Categorical columns with more distinct values than this are described without their category list.</summary>
    [Range(1, 100_000)]
    public int MaxCategoriesInSchema { get; set; } = 100;
}
