using System.Text;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ingestion.Apis;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Validation;
using Platform.ServiceDefaults.Security;

namespace Platform.Ingestion.IntegrationEvents;

/// <summary>
/// A producer's submission on the bus: stages the rows (inline, or downloaded from the claim-check address), ingests
/// them exactly as an HTTP upload and answers by correlation id: a response when the producer waits for one, an event
/// otherwise. A redelivery (a crash after the commit, before the answer) finds its version by the correlation id and
/// answers again without storing or publishing anything new.
/// </summary>
public sealed class SubmitDatasetConsumer(
    DatasetIngestor ingestor, ContentStore store, OutboundFetcher fetcher, IOptions<IngestionOptions> options,
    ApiKeyStore keys, ILogger<SubmitDatasetConsumer> logger) : IConsumer<SubmitDataset>
{
    public async Task Consume(ConsumeContext<SubmitDataset> context)
    {
        var submission = context.Message;
        var result = Authorised(context)
            ? await IngestAsync(submission, context.CancellationToken)
            : IngestResult.Rejected(ProblemCodes.Unauthorized,
                $"Submissions need a producer key in the '{ApiKeys.HeaderName}' message header while API keys are configured.");
        object answer = result.Version is { } version
            ? new DatasetAccepted(submission.CorrelationId, version.DatasetName, version.Version, version.Sha256, version.RowCount,
                result.Created, version.DroppedRows, DateTimeOffset.UtcNow)
            : new DatasetRejected(submission.CorrelationId, submission.DatasetName, result.Problems, result.TotalProblems, DateTimeOffset.UtcNow);
        logger.LogInformation("Submission {CorrelationId} to {Dataset}: {Answer}", submission.CorrelationId, submission.DatasetName, answer.GetType().Name);

        if (context.ResponseAddress is not null)
        {
            if (answer is DatasetAccepted accepted) await context.RespondAsync(accepted);
            else await context.RespondAsync((DatasetRejected)answer);
        }
        else if (answer is DatasetAccepted accepted) await context.Publish(accepted, context.CancellationToken);
        else await context.Publish((DatasetRejected)answer, context.CancellationToken);
    }

    /// <summary>
    /// The same keys and roles as the HTTP upload, read from a message header. A key on a message is weaker than on a
    /// TLS request (whoever can read the queue can read it), so the boundary that matters is the broker's: producers get
    /// a RabbitMQ user allowed to write to the SubmitDataset exchange and nothing else. The header check keeps the one
    /// roles model, so a consumer key cannot submit even through a broker account that could.
    /// </summary>
    private bool Authorised(ConsumeContext context) =>
        keys.Allows(context.Headers.TryGetHeader(ApiKeys.HeaderName, out var key) ? key as string : null, ApiKeys.Producer);

    private async Task<IngestResult> IngestAsync(SubmitDataset submission, CancellationToken cancellationToken)
    {
        if (!DatasetsApi.IsValidName(submission.DatasetName))
            return IngestResult.Rejected(ProblemCodes.InvalidName, DatasetsApi.InvalidNameMessage);
        if ((submission.Csv is null) == (submission.ContentUri is null))
            return IngestResult.Rejected(ProblemCodes.Content, "Send the rows either inline (Csv) or as a claim check (ContentUri), not both or neither.");

        ContentStore.StagedContent staged;
        try
        {
            var staging = await StageAsync(submission, cancellationToken);
            if (staging.Problem is not null) return IngestResult.Rejected(ProblemCodes.Content, staging.Problem);
            staged = staging.Staged!;
        }
        catch (UploadTooLargeException ex)
        {
            return IngestResult.Rejected(ProblemCodes.TooLarge, ex.Message);
        }
        catch (OutboundFetchException ex)
        {
            // Refused by the outbound policy, or the server failed; the message never holds fetched content.
            return IngestResult.Rejected(ProblemCodes.Content, $"Downloading the claim check failed: {ex.Message}");
        }

        if (staged.SizeBytes == 0)
        {
            store.Discard(staged);
            return IngestResult.Rejected(ProblemCodes.Empty, "The submission has no bytes.");
        }

        return await ingestor.IngestAsync(
            new IngestRequest(submission.DatasetName, submission.Target, submission.Task, submission.Append, submission.NewSchema, submission.CorrelationId,
                submission.Source == DatasetSources.Feedback ? DatasetSources.Feedback : DatasetSources.Upload, submission.Lineage),
            staged, cancellationToken);
    }

    private async Task<(ContentStore.StagedContent? Staged, string? Problem)> StageAsync(SubmitDataset submission, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxUploadBytes;
        if (submission.Csv is { } csv)
        {
            var bytes = Encoding.UTF8.GetBytes(csv);
            if (bytes.Length > SubmitDatasetLimits.MaxInlineBytes)
                return (null, $"Inline CSV is limited to {SubmitDatasetLimits.MaxInlineBytes} bytes of UTF-8 (this one has {bytes.Length}); send larger data as a claim check (ContentUri).");
            return (await store.StageAsync(new MemoryStream(bytes), maxBytes, cancellationToken), null);
        }

        // The outbound policy checks scheme, host and resolved address (each redirect again) and bounds the waits;
        // the body is staged while hashed, never held whole.
        await using var response = await fetcher.OpenAsync(submission.ContentUri!, cancellationToken);
        if (response.ContentLength > maxBytes) throw new UploadTooLargeException(maxBytes);
        return (await store.StageAsync(response.Body, maxBytes, cancellationToken), null);
    }
}

/// <summary>Large downloads and validation passes run a few at a time; retries come from the platform's endpoint defaults.</summary>
public sealed class SubmitDatasetConsumerDefinition : ConsumerDefinition<SubmitDatasetConsumer>
{
    public SubmitDatasetConsumerDefinition() => ConcurrentMessageLimit = 4;
}
