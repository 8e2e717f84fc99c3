namespace Platform.IntegrationTests;

/// <summary>One broker, one database server and one set of five hosts for the whole integration suite.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private Infrastructure? _infrastructure;
    private ServiceHosts? _hosts;
    private BusObserver? _observer;

    public ServiceHosts Hosts => _hosts ?? throw new InvalidOperationException("Not started.");
    public BusObserver Observer => _observer ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.StartAsync();
        _observer = await BusObserver.StartAsync(_infrastructure.RabbitUri);
        _hosts = await ServiceHosts.StartAsync(_infrastructure.RabbitUri, _infrastructure.PostgresConnection, new Dictionary<string, string?>
        {
            // Two fast, different families keep the suite quick while model selection stays real.
            ["Training:Trainers:0"] = "sdca",
            ["Training:Repeats"] = "1",
            ["Training:Trainers:1"] = "fasttree",
            ["Monitoring:WindowRows"] = "200",
            ["Monitoring:MinWindowRows"] = "50",
            ["Inference:LogFlushInterval"] = "00:00:00.500",
            // A drift retrain waits for 200 labelled rows newer than the drift; labelled rows go to Ingestion 100 at a time.
            ["Training:DataPolicy:MinNewRows"] = "200",
            ["Monitoring:LabelledBatchRows"] = "100",
        });
    }

    public async Task DisposeAsync()
    {
        if (_hosts is not null) await _hosts.DisposeAsync();
        if (_observer is not null) await _observer.DisposeAsync();
        if (_infrastructure is not null) await _infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
