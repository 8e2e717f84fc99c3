using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.Tests;

namespace Platform.SecurityTests;

/// <summary>
/// The embedded default with one key per role, a trained and served model ("diabetes" v1, its dataset, its run and
/// its drift reference), and limits small enough to reach with small requests. Shared by the matrix and hostile tests.
/// </summary>
public sealed class SecuredPlatform : IAsyncLifetime
{
    public const long MaxUploadBytes = 1024 * 1024;
    public const int MaxPredictBytes = 64 * 1024;

    private StandaloneProcess? _process;

    public StandaloneProcess Process => _process ?? throw new InvalidOperationException("Not started.");
    public Guid RunId { get; private set; }
    public IReadOnlyList<Endpoint> Endpoints { get; private set; } = [];

    /// <summary>Requests of these tests are small: one that takes longer than this hangs.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static string KeyOf(string role) => $"security-test-{role}-key";

    public HttpClient Client(string? role) => Process.CreateClient(role is null ? null : KeyOf(role), RequestTimeout);

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Training:Trainers:0"] = "sdca",
            ["Training:Repeats"] = "1",
            ["Ingestion:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inference:MaxRequestBytes"] = MaxPredictBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The tests call each endpoint a few dozen times per key: the production limits are tested on their own.
            ["RateLimits:Retrain:PermitLimit"] = "10000",
            ["RateLimits:Move:PermitLimit"] = "10000",
            ["RateLimits:Upload:PermitLimit"] = "10000",
        };
        foreach (var role in SecurityTests.Endpoints.Roles)
        {
            settings[$"Auth:Keys:{role}:Key"] = KeyOf(role);
            settings[$"Auth:Keys:{role}:Roles"] = role;
        }

        _process = await StandaloneProcess.StartAsync(settings, environment: "Production");
        using var producer = Client(SecurityTests.Endpoints.Producer);
        using var csv = new StreamContent(File.OpenRead(SharedData.PathOf("diabetes_train.csv")));
        csv.Headers.ContentType = new("text/csv");
        using (var upload = await producer.PostAsync("datasets/diabetes?target=target&task=regression", csv))
            Assert.True(upload.IsSuccessStatusCode, $"upload answered {(int)upload.StatusCode}: {await upload.Content.ReadAsStringAsync()}");

        using var operatorClient = Client(SecurityTests.Endpoints.Operator);
        var slow = TimeSpan.FromMinutes(4);
        await Process.UntilAsync(async () => (await operatorClient.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, slow, "the model to be served");
        await Process.UntilAsync(async () => (await operatorClient.GetAsync("drift/diabetes/reference")).IsSuccessStatusCode, slow, "the drift reference");
        var runs = await operatorClient.GetFromJsonAsync<JsonArray>("runs?model=diabetes");
        RunId = Guid.Parse((string)runs![0]!["id"]!);
        Endpoints = SecurityTests.Endpoints.All(RunId);
    }

    public async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredPlatformCollection : ICollectionFixture<SecuredPlatform>
{
    public const string Name = "secured platform";
}
