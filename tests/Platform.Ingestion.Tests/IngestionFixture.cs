using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts;
using SharedInfrastructure = Platform.IntegrationTests.Infrastructure;
using Platform.Producer;

namespace Platform.Ingestion.Tests;

/// <summary>
/// One broker and database server, one Ingestion host with API keys configured (a producer key, a consumer key), a
/// producer connected to it, and an observer of the events it publishes: shared by the tests of the collection.
/// </summary>
public sealed class IngestionFixture : IAsyncLifetime
{
    public const string ProducerKey = "producer-key-for-tests";
    public const string ConsumerKey = "consumer-key-for-tests";
    public const string OperatorKey = "operator-key-for-tests";

    private SharedInfrastructure? _infrastructure;
    private IngestionHost? _host;
    private DatasetPublisher? _producer;
    private IBusControl? _observer;

    public SharedInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");
    public IngestionHost Host => _host ?? throw new InvalidOperationException("Not started.");
    public DatasetPublisher Producer => _producer ?? throw new InvalidOperationException("Not started.");
    public ConcurrentQueue<object> Received { get; } = new();
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Small limits, so that the tests exercise them with small files.</summary>
    public static readonly Dictionary<string, string?> Limits = new()
    {
        ["Ingestion:MaxUploadBytes"] = (2 * 1024 * 1024).ToString(),
        ["Ingestion:MaxLineBytes"] = "4096",
        ["Auth:Keys:producer:Key"] = ProducerKey,
        ["Auth:Keys:producer:Roles"] = "producer",
        ["Auth:Keys:consumer:Key"] = ConsumerKey,
        ["Auth:Keys:consumer:Roles"] = "consumer",
        ["Auth:Keys:operator:Key"] = OperatorKey,
        ["Auth:Keys:operator:Roles"] = "operator",
        // The claim-check server of the tests runs on loopback: allowed by name, as a deployment would allow its file store.
        ["OutboundFetch:PrivateHosts:0"] = "127.0.0.1",
        // These tests upload far more per minute than a producer would; the limit itself is tested in Platform.SecurityTests.
        ["RateLimits:Upload:PermitLimit"] = "100000",
    };

    public async Task InitializeAsync()
    {
        _infrastructure = await SharedInfrastructure.StartAsync();
        _observer = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(_infrastructure.RabbitUri));
            cfg.ReceiveEndpoint($"ingestion-test-observer-{RunId}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<DatasetUploaded>(Record);
                endpoint.Handler<DatasetAccepted>(Record);
                endpoint.Handler<DatasetRejected>(Record);
            });
        });
        await _observer.StartAsync();
        _host = await IngestionHost.StartAsync(_infrastructure, Limits, consumeSubmissions: true);
        _producer = await DatasetPublisher.ConnectAsync(new Uri(_infrastructure.RabbitUri), ProducerKey, destination: new Uri($"queue:{_host.SubmitQueue}"));
    }

    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        Received.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public async Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var found = Received.OfType<T>().FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(100);
        }

        throw new TimeoutException($"No {typeof(T).Name} matching the condition arrived; received: {string.Join(", ", Received.Select(m => m.GetType().Name))}");
    }

    public async Task DisposeAsync()
    {
        if (_producer is not null) await _producer.DisposeAsync();
        if (_host is not null) await _host.DisposeAsync();
        if (_observer is not null) await _observer.StopAsync();
        if (_infrastructure is not null) await _infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<IngestionFixture>
{
    public const string Name = "ingestion";
}
