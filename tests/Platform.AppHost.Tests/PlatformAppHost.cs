using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Tests;

namespace Platform.AppHost.Tests;

/// <summary>
/// The AppHost, started exactly as <c>dotnet run --project AppHost</c> composes it, with its dashboard, through
/// Aspire's testing builder. What the test changes: fresh API keys (known to the test), its own data folder and free
/// ports for the executables (so it runs beside the test command's servers and a developer's AppHost), and small
/// windows and fast trainers for the services so the loop closes in a few minutes.
/// </summary>
public sealed class PlatformAppHost : IAsyncDisposable
{
    public static readonly string[] Services = ["ingestion", "training", "registry", "inference", "monitoring"];

    private readonly DistributedApplication _app;
    private readonly string _dataPath;

    private PlatformAppHost(DistributedApplication app, string dataPath, Dictionary<string, string> keys, string dashboardApiKey, Uri dashboardLogin)
    {
        _app = app;
        _dataPath = dataPath;
        Keys = keys;
        DashboardApiKey = dashboardApiKey;
        DashboardLogin = dashboardLogin;
    }

    /// <summary>The API key per id: producer, consumer, labeler, operator, service.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; }

    /// <summary>The key of the dashboard's telemetry API (<c>AppHost:DashboardApiKey</c>).</summary>
    public string DashboardApiKey { get; }

    /// <summary>The dashboard's login URL, browser token included.</summary>
    public Uri DashboardLogin { get; }

    public Uri Dashboard => new(DashboardLogin.GetLeftPart(UriPartial.Authority));

    public static async Task<PlatformAppHost> StartAsync(CancellationToken cancellationToken)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-apphost-test-" + DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture));
        var keys = new[] { "producer", "consumer", "labeler", "operator", "service" }.ToDictionary(id => id, _ => NewSecret());
        var dashboardApiKey = NewSecret();
        string[] args =
        [
            $"--Platform:Infrastructure:DataPath={dataPath}",
            "--Platform:Infrastructure:DataVolumes=false", // containers (where a runtime exists) start empty, like the executables
            $"--Platform:Infrastructure:AmqpPort={LoopbackPorts.Free()}",
            $"--Platform:Infrastructure:RabbitMqDistributionPort={LoopbackPorts.Free()}",
            $"--Platform:Infrastructure:EpmdPort={LoopbackPorts.Free()}",
            $"--Platform:Infrastructure:PostgresPort={LoopbackPorts.Free()}",
            $"--AppHost:DashboardApiKey={dashboardApiKey}",
            $"--Parameters:rabbitmq-password={NewSecret()}",
            $"--Parameters:postgres-password={NewSecret()}",
            .. keys.Select(key => $"--Parameters:{key.Key}-key={key.Value}"),
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, args, cancellationToken);
        // The resources' console logs reach the test's log under Platform.AppHost.Resources.<name>: keep their problems only.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Platform.AppHost.Resources", LogLevel.Warning));
        // A drift retrain waits for 200 labelled rows newer than the drift (not 1,000); labelled rows go to Ingestion
        // 100 at a time (not 250): the test's three shifted batches (267 rows) are enough for both.
        Configure(builder, "training", ("Training__Trainers__0", "sdca"), ("Training__Trainers__1", "fasttree"),
            ("Training__Repeats", "1"), ("Training__DataPolicy__MinNewRows", "200"));
        Configure(builder, "monitoring", ("Monitoring__WindowRows", "200"), ("Monitoring__MinWindowRows", "50"),
            ("Monitoring__LabelledBatchRows", "100"));
        Configure(builder, "inference", ("Inference__LogFlushInterval", "00:00:00.500"));

        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var host = new PlatformAppHost(app, dataPath, keys, dashboardApiKey, await app.GetDashboardUrlAsync(cancellationToken));
        try
        {
            foreach (var service in Services) await app.ResourceNotifications.WaitForResourceHealthyAsync(service, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>A client for a service's HTTP endpoint that sends the key with the given id.</summary>
    public HttpClient Client(string service, string keyId)
    {
        var client = new HttpClient { BaseAddress = _app.GetEndpoint(service, "http"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys[keyId]);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server slow to let go of a file, or PostgreSQL's folder when not run as root: it is under the temporary directory.
        }
    }

    private static void Configure(IDistributedApplicationTestingBuilder builder, string service, params (string Name, string Value)[] settings)
    {
        var project = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == service));
        foreach (var (name, value) in settings) project.WithEnvironment(name, value);
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
