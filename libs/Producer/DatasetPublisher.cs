using MassTransit;
using Platform.Contracts;

namespace Platform.Producer;

/// <summary>What a producer submits: a dataset name, the target and task, and the rows (a CSV file or an http(s) address).</summary>
/// <param name="Data">A local CSV file (sent inline, at most <see cref="SubmitDatasetLimits.MaxInlineBytes"/>) or an http(s) URL Ingestion downloads (a claim check, for large data).</param>
public sealed record DatasetSubmission(string Name, string Data, string? Target, string? Task = null, bool Append = false, bool NewSchema = false);

/// <summary>Ingestion's answer: exactly one of the two is set.</summary>
public sealed record SubmissionAnswer(DatasetAccepted? Accepted, DatasetRejected? Rejected);

/// <summary>
/// Publishes datasets to Ingestion over RabbitMQ, as a sample producer, the CLI's <c>platform publish</c> or any .NET
/// producer would: <see cref="SubmitAsync"/> waits for the answer (MassTransit request/response), <see cref="PublishAsync"/>
/// fires and forgets (Ingestion then publishes the answer as an event, correlated by the id returned).
/// </summary>
public sealed class DatasetPublisher : IAsyncDisposable
{
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly IBusControl _bus;
    private readonly string? _apiKey;
    private readonly Uri? _destination;

    private DatasetPublisher(IBusControl bus, string? apiKey, Uri? destination)
    {
        _bus = bus;
        _apiKey = apiKey;
        _destination = destination;
    }

    /// <param name="broker">amqp://user:password@host:port/vhost</param>
    /// <param name="apiKey">A producer key, sent in the X-Api-Key header, for an Ingestion that has API keys configured.</param>
    /// <param name="destination">A queue to send to (e.g. <c>queue:submit-dataset</c>); null publishes, which reaches Ingestion wherever its queue is.</param>
    public static async Task<DatasetPublisher> ConnectAsync(Uri broker, string? apiKey = null, CancellationToken cancellationToken = default, Uri? destination = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(broker));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await bus.StartAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or RabbitMqConnectionException)
        {
            await bus.StopAsync(CancellationToken.None);
            throw new InvalidOperationException($"Cannot connect to the broker at {Redacted(broker)}: {e.Message}", e);
        }

        return new DatasetPublisher(bus, apiKey, destination);
    }

    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Submits and waits for <see cref="DatasetAccepted"/> or <see cref="DatasetRejected"/>.</summary>
    /// <exception cref="RequestTimeoutException">No answer within <paramref name="timeout"/> (Ingestion down, or still working on a large file).</exception>
    public async Task<SubmissionAnswer> SubmitAsync(DatasetSubmission submission, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        return await SubmitAsync(await CreateMessageAsync(submission, Guid.NewGuid(), cancellationToken), timeout, cancellationToken);
    }

    /// <summary>Submits a message built by the caller (its correlation id, inline rows or claim check) and waits for the answer.</summary>
    public async Task<SubmissionAnswer> SubmitAsync(SubmitDataset message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var requestTimeout = RequestTimeout.After(ms: (int)timeout.TotalMilliseconds);
        var client = _destination is null ? _bus.CreateRequestClient<SubmitDataset>(requestTimeout) : _bus.CreateRequestClient<SubmitDataset>(_destination, requestTimeout);
        var response = await client.GetResponse<DatasetAccepted, DatasetRejected>(message, send => send.UseExecute(SetKey), cancellationToken);
        return response.Is(out Response<DatasetAccepted>? accepted)
            ? new SubmissionAnswer(accepted!.Message, null)
            : response.Is(out Response<DatasetRejected>? rejected) ? new SubmissionAnswer(null, rejected!.Message)
            : throw new InvalidOperationException("Ingestion answered with an unexpected message.");
    }

    /// <summary>Publishes and returns at once with the correlation id under which Ingestion will publish its answer.</summary>
    public async Task<Guid> PublishAsync(DatasetSubmission submission, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        var message = await CreateMessageAsync(submission, id, cancellationToken);
        if (_destination is null) await _bus.Publish(message, (PublishContext<SubmitDataset> context) => SetKey(context), cancellationToken);
        else await (await _bus.GetSendEndpoint(_destination)).Send(message, (SendContext<SubmitDataset> context) => SetKey(context), cancellationToken);
        return id;
    }

    /// <summary>
    /// The message for a submission: a URL becomes a claim check, a file is read inline. A file over the inline limit is
    /// refused here, before the broker sees it: publish it where Ingestion can download it, or upload it over HTTP.
    /// </summary>
    public static async Task<SubmitDataset> CreateMessageAsync(DatasetSubmission submission, Guid correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (Uri.TryCreate(submission.Data, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return new SubmitDataset(correlationId, submission.Name, submission.Target, submission.Task, null, uri, submission.Append, submission.NewSchema);

        var length = new FileInfo(submission.Data).Length;
        if (length > SubmitDatasetLimits.MaxInlineBytes)
            throw new ArgumentException(
                $"{submission.Data} has {length} bytes; rows sent inline on the bus are limited to {SubmitDatasetLimits.MaxInlineBytes}. " +
                "Pass an http(s) URL Ingestion can download (a claim check), or upload the file over HTTP (POST /datasets/{name}).", nameof(submission));
        string csv;
        try
        {
            // Strict: a lenient decoder would hide bytes that are not UTF-8 behind U+FFFD, and Ingestion could not report them.
            csv = StrictUtf8.GetString(await File.ReadAllBytesAsync(submission.Data, cancellationToken));
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new ArgumentException($"{submission.Data} is not valid UTF-8 (at byte {e.Index}); save it as UTF-8.", nameof(submission), e);
        }

        return new SubmitDataset(correlationId, submission.Name, submission.Target, submission.Task, csv, null, submission.Append, submission.NewSchema);
    }

    private void SetKey(SendContext context)
    {
        if (_apiKey is not null) context.Headers.Set(ApiKeyHeader, _apiKey);
    }

    private static string Redacted(Uri broker) => new UriBuilder(broker) { UserName = "", Password = "" }.Uri.ToString();

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);
}
