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

    /// <summary>
    /// The longest record accepted, in bytes (a line, or several when a quoted field holds line breaks). Longer ones are
    /// reported, never buffered: an unclosed quote must not turn the rest of a 1 GB file into one field in memory.
    /// </summary>
    [Range(16, 64 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    /// <summary>What a file with bad rows gets: rejected whole (the default), or stored without them.</summary>
    public BadRowPolicy BadRows { get; set; } = BadRowPolicy.Reject;

    /// <summary>
    /// Without a schema contract (a first version, or schema=new), a column is numeric with bad values, not categorical,
    /// when at least this share of its non-missing values parse as numbers (and not all do): 0.95, so one stray word in
    /// twenty numbers is reported (reject) or its row dropped (drop policy). 1 turns the rule off.
    /// </summary>
    [Range(0.5, 1.0)]
    public double NumericColumnShare { get; set; } = 0.95;

    /// <summary>How many problems a rejection lists in full; the total is always counted.</summary>
    [Range(1, 10_000)]
    public int MaxReportedProblems { get; set; } = 100;

    /// <summary>Rows sampled (uniformly, seeded) from each version when two versions are compared for drift, bounding memory.</summary>
    [Range(100, 10_000_000)]
    public int CompareSampleRows { get; set; } = 50_000;

    /// <summary>
    /// A staged file (<c>&lt;StoragePath&gt;/tmp</c>) not written to for longer than this was left by a process that died
    /// mid-upload, and is deleted. Replicas may share the folder, so this is the only sign that a file is no one's: it
    /// must exceed the longest pause in a live submission's writes (a validation pass over the largest upload, minutes at
    /// most; a stalled body is cut off by Kestrel's minimum data rate long before).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan StagedFileMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often stale staged files are looked for (and once at start-up).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StagingSweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

public enum BadRowPolicy
{
    /// <summary>Any bad row rejects the whole file: nothing is guessed.</summary>
    Reject,
    /// <summary>Bad rows are left out (and counted); the rest is stored. Still rejected when no row is left.</summary>
    DropBadRows,
}
