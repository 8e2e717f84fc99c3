using System.Text.Json.Serialization;

namespace Platform.Contracts;

/// <summary>
/// A producer asks Ingestion to store a dataset version, with the rows inline (<paramref name="Csv"/>, at most
/// <see cref="SubmitDatasetLimits.MaxInlineBytes"/> of UTF-8) or behind a claim check (<paramref name="ContentUri"/>, an
/// HTTP(S) address Ingestion downloads). Exactly one of the two is set. Ingestion answers every submission, by
/// <paramref name="CorrelationId"/>, with <see cref="DatasetAccepted"/> or <see cref="DatasetRejected"/>: as a response
/// when the producer sent a request, otherwise published.
/// </summary>
/// <param name="CorrelationId">The producer's id for this submission; a redelivered or repeated submission with the same id gets the same answer and stores nothing new.</param>
/// <param name="Target">The target column; null keeps the previous version's.</param>
/// <param name="Task">"regression", "binary" or "multiclass"; null keeps the previous version's or infers it.</param>
/// <param name="Append">Build the next version from the newest one plus these rows (a header row naming the same columns in the same order comes first).</param>
/// <param name="NewSchema">Start a new schema version: the columns may differ from the previous version's.</param>
/// <param name="Source">Who produced the rows: <see cref="DatasetSources.Upload"/> (a producer, the default) or <see cref="DatasetSources.Feedback"/> (Monitoring's labelled live rows).</param>
/// <param name="Lineage">Where the rows came from, when the producer knows (Monitoring: the submission, its prediction window).</param>
public sealed record SubmitDataset(
    Guid CorrelationId,
    string DatasetName,
    string? Target,
    string? Task,
    string? Csv,
    Uri? ContentUri,
    bool Append = false,
    bool NewSchema = false,
    string? Source = null,
    DatasetLineage? Lineage = null);

/// <summary>Where the rows of a dataset version came from.</summary>
/// <param name="Reference">Where to read the details, e.g. Monitoring's <c>/feedback/submissions/{id}</c> with the prediction ids.</param>
/// <param name="From">The earliest prediction the rows answer (feedback); null otherwise.</param>
/// <param name="To">The latest prediction the rows answer (feedback); null otherwise.</param>
public sealed record DatasetLineage(string Reference, int Rows, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Values of <see cref="SubmitDataset.Source"/> and <see cref="DatasetUploaded.Source"/>.</summary>
public static class DatasetSources
{
    public const string Upload = "upload";
    public const string Feedback = "feedback";

    /// <summary>The name an event carries; anything but "feedback" is an upload (as Ingestion has always read it).</summary>
    public static DatasetSource Parse(string? name) => name == Feedback ? DatasetSource.Feedback : DatasetSource.Upload;

    public static string ToWireName(this DatasetSource source) => source == DatasetSource.Feedback ? Feedback : Upload;
}

/// <summary>
/// Who produced a dataset version's rows, as Ingestion stores it: a producer's upload (HTTP or bus), or Monitoring's
/// labelled live rows (feedback), which ask for no run of their own. On the wire as <see cref="DatasetSources"/>' names.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetSource>))]
public enum DatasetSource
{
    [JsonStringEnumMemberName(DatasetSources.Upload)]
    Upload,

    [JsonStringEnumMemberName(DatasetSources.Feedback)]
    Feedback,
}

public static class SubmitDatasetLimits
{
    /// <summary>
    /// Inline CSV text is for small batches: 1 MiB of UTF-8, far below RabbitMQ's frame and message limits, so a
    /// submission never stresses the broker. Anything larger travels as a claim check (<see cref="SubmitDataset.ContentUri"/>).
    /// </summary>
    public const int MaxInlineBytes = 1024 * 1024;
}
