using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Platform.ChaosTests;

/// <summary>
/// The five services as separate hosts on fresh databases, with the run lifecycle's timings shortened so that a test
/// sees recovery within seconds; and the reads the tests assert on (runs, versions, what Inference serves).
/// </summary>
public sealed class ChaosPlatform : IAsyncDisposable
{
    public static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The wait for what a test sets up before its fault (a model trained and served): not the convergence under test,
    /// and on a machine shared with other builds a first training can take longer than <see cref="Converge"/>.
    /// </summary>
    public static readonly TimeSpan Setup = TimeSpan.FromMinutes(4);

    /// <summary>
    /// The search budget of a run in these tests: on a busy machine the large dataset's search needs more, and the
    /// best candidate finished by then wins.
    /// </summary>
    public static readonly TimeSpan LargeTrainingBudget = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Rows of the large dataset: seven times the diabetes split, so its cross-validation (28 fits) lasts long enough to
    /// be interrupted, while its first candidate still finishes within <see cref="LargeTrainingBudget"/> on a machine
    /// that is running other builds (12,000 rows did not, at a load average of 40 on two cores).
    /// </summary>
    public const int LargeRows = 2_500;

    private ChaosPlatform(ServiceHosts hosts) => Hosts = hosts;

    public ServiceHosts Hosts { get; }

    public static async Task<ChaosPlatform> StartAsync(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // MassTransit purges "on start-up" at the first connection that finds messages, which after a broker
            // restart is a reconnection: it would delete exactly the messages these tests prove are kept.
            ["Messaging:PurgeOnStartup"] = "false",
            ["Training:Trainers:0"] = "sdca",
            ["Training:Repeats"] = "1",
            ["Training:Trainers:1"] = "fasttree",
            ["Training:Runs:HeartbeatInterval"] = "00:00:02",
            ["Training:Runs:RecoveryInterval"] = "00:00:03",
            ["Training:Runs:StaleAfter"] = "00:00:20",
            ["Training:Runs:PollInterval"] = "00:00:01",
            ["Training:Runs:OutageRetryDelay"] = "00:00:03",
            ["Training:Runs:ReconcileInterval"] = "00:00:10",
            ["Inference:LogFlushInterval"] = "00:00:00.500",
            // Bounds every run's model search (the best finished candidate wins), so that a run resumed after a fault
            // converges within the tests' 60 s even on the large dataset (whose full search takes longer).
            ["Training:TimeBudget"] = LargeTrainingBudget.ToString(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        // The services do not purge (above), so the queues are emptied here, once, before they start: what earlier
        // tests and test assemblies left there (a ModelPromoted redelivered after an earlier test's broker restart and
        // still queued when that test ended; the CLI tests' DatasetUploaded) would reach this platform's consumers.
        // Its claim checks name data these fresh services do not have: a 404, and the message in _error, counted
        // against this test (1 run in about 4 of the full suite), or runs queued for other suites' datasets.
        await Servers.PurgeQueuesAsync();
        var platform = new ChaosPlatform(await ServiceHosts.StartAsync(Servers.RabbitUri, Servers.PostgresConnection, settings));
        // Ready only when every bus has started its endpoints.
        foreach (var service in platform.Hosts.Urls.Keys) await platform.ReadyAsync(service);
        return platform;
    }

    /// <summary>
    /// Waits until the service answers /health 200: its bus connected and its endpoints started (and Inference's first
    /// reconciliation loaded every production version), not merely alive. Returns how long that took.
    /// </summary>
    public Task<TimeSpan> ReadyAsync(string service) => Eventually.HoldsAsync(async () =>
    {
        using var client = Client(service);
        using var response = await client.GetAsync("health");
        return response.IsSuccessStatusCode;
    }, TimeSpan.FromSeconds(60), $"{service} to answer /health 200");

    public HttpClient Client(string service) => Hosts.Client(service);

    public string ModelName(string scenario) => $"{scenario}-{Hosts.RunId}";

    /// <summary>Uploads the diabetes training split as the model's dataset (a new version: 201).</summary>
    public async Task UploadAsync(string model, string file = "diabetes_train.csv")
    {
        using var ingestion = Client("ingestion");
        await ingestion.UploadDatasetAsync(model, file, "target=target&task=regression");
    }

    /// <summary>
    /// Uploads a large Friedman #1 regression dataset, so that the run's training lasts long enough to be interrupted
    /// in the middle of its cross-validation (the diabetes split's lasts about two seconds on a quiet machine: a wait for
    /// the stage "training" could miss it, and a signal sent then could land after it).
    /// </summary>
    public async Task UploadLargeAsync(string model)
    {
        using var ingestion = Client("ingestion");
        await ingestion.UploadCsvFileAsync(model, SyntheticData.Friedman1Csv(LargeRows), "target=target&task=regression");
    }

    /// <summary>The versions Ingestion shows of the dataset (none when it answers 404).</summary>
    public async Task<JsonArray> DatasetVersionsAsync(string dataset)
    {
        using var ingestion = Client("ingestion");
        using var response = await ingestion.GetAsync($"datasets/{dataset}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["versions"]!.AsArray();
    }

    public async Task<JsonArray> RunsAsync(string model)
    {
        using var training = Client("training");
        return (await training.GetFromJsonAsync<JsonArray>($"runs?model={model}"))!;
    }

    public async Task<JsonObject?> RegisteredAsync(string model)
    {
        using var registry = Client("registry");
        using var response = await registry.GetAsync($"models/{model}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
    }

    public async Task<bool> ServesAsync(string model, int version)
    {
        using var inference = Client("inference");
        using var response = await inference.GetAsync($"v2/models/{model}");
        if (!response.IsSuccessStatusCode) return false;
        var metadata = await response.Content.ReadFromJsonAsync<JsonObject>();
        return metadata?["versions"]?.AsArray().Any(v => v?.GetValue<string>() == version.ToString(System.Globalization.CultureInfo.InvariantCulture)) == true;
    }

    /// <summary>Two diabetes rows predicted by Inference (asserting a 2xx); returns their prediction ids.</summary>
    public async Task<Guid[]> PredictAsync(string model) => (await PredictWithVersionAsync(model)).Ids;

    /// <summary>As <see cref="PredictAsync"/>, with the model version Inference answered from.</summary>
    public async Task<(int Version, Guid[] Ids)> PredictWithVersionAsync(string model)
    {
        var instance = new JsonObject();
        foreach (var feature in new[] { "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6" }) instance[feature] = 0.01;
        using var inference = Client("inference");
        using var response = await inference.PostAsJsonAsync($"models/{model}/predict", new JsonObject { ["instances"] = new JsonArray(instance, instance.DeepClone()) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("version").GetInt32(), document.RootElement.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()).ToArray());
    }

    /// <summary>The predictions Monitoring has taken in for the model (its logged outputs, kept for feedback).</summary>
    public async Task<HashSet<Guid>> LoggedAtMonitoringAsync(string model)
    {
        var connection = new NpgsqlConnectionStringBuilder(Servers.PostgresConnection) { Database = $"monitoringdb_{Hosts.RunId}" };
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "PredictionId" FROM logged_outputs WHERE "ModelName" = @model""", db);
        command.Parameters.AddWithValue("model", model);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>Waits until Monitoring holds the reference of the model's production version (it ignores predictions before).</summary>
    public Task<TimeSpan> MonitoringHoldsReferenceAsync(string model) => Eventually.HoldsAsync(async () =>
    {
        using var monitoring = Client("monitoring");
        using var response = await monitoring.GetAsync($"drift/{model}/reference");
        return response.IsSuccessStatusCode;
    }, Converge, $"Monitoring to hold the reference of {model}");

    /// <summary>Waits until a run of the model is in the given stage (or later than queued, if null).</summary>
    public Task<TimeSpan> RunReachesAsync(string model, string stage)
    {
        var last = "nothing read yet";
        return Eventually.HoldsAsync(async () =>
        {
            var runs = await RunsAsync(model);
            last = runs.ToJsonString();
            return runs.Any(r => r?["stage"]?.GetValue<string>() == stage);
        }, TimeSpan.FromMinutes(2), () => $"a run of {model} in stage {stage}; last read: {last}");
    }

    /// <summary>Waits until a run of the model is fitting candidates (cross-validation under way, not finished); returns that progress.</summary>
    public async Task<JsonObject> RunMidCrossValidationAsync(string model)
    {
        var last = "nothing read yet";
        return await Eventually.ValueAsync(async () =>
        {
            var runs = await RunsAsync(model);
            last = runs.ToJsonString();
            return runs.Select(r => r?["progress"] as JsonObject).FirstOrDefault(p =>
                p?["stage"]?.GetValue<string>() == "cross-validation" && p["done"]!.GetValue<int>() < p["total"]!.GetValue<int>());
        }, TimeSpan.FromMinutes(2), () => $"a run of {model} in the middle of its cross-validation; last read: {last}");
    }

    /// <summary>
    /// The converged state after one upload: one run, succeeded; one registered version, in production; Inference
    /// serving it. Returns the time it took from now.
    /// </summary>
    /// <param name="timeout">Converge (the issue's 60 s) after a fault; <see cref="Setup"/> for a model trained before any fault.</param>
    public async Task<TimeSpan> ConvergedOnOneVersionAsync(string model, bool serving = true, TimeSpan? timeout = null)
    {
        var last = "nothing read yet";
        try
        {
            return await Eventually.HoldsAsync(async () =>
            {
                var runs = await RunsAsync(model);
                var registered = await RegisteredAsync(model);
                var served = serving && await ServesAsync(model, 1);
                last = $"runs {runs.ToJsonString()}; registry {registered?.ToJsonString() ?? "404"}; served {served}";
                return runs.Count == 1 && runs[0]?["status"]?.GetValue<string>() == "succeeded"
                    && registered?["productionVersion"]?.GetValue<int?>() == 1 && (!serving || served);
            }, timeout ?? Converge, $"{model}: one succeeded run, version 1 in production{(serving ? " and served" : "")}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last state: {last}", ex);
        }
    }

    /// <summary>Nothing lost, nothing doubled: exactly one run and one registered version, no message in any _error queue of this run.</summary>
    public async Task AssertExactlyOnceAsync(string model, IReadOnlyDictionary<string, long> errorsBefore)
    {
        var runs = await RunsAsync(model);
        Assert.Single(runs);
        var registered = await RegisteredAsync(model);
        Assert.NotNull(registered);
        Assert.Single(registered["versions"]!.AsArray());
        var errorsAfter = await Servers.ErrorQueuesAsync();
        var grown = errorsAfter.Where(q => q.Value > errorsBefore.GetValueOrDefault(q.Key)).ToList();
        if (grown.Count == 0) return;
        // Why each landed there (the fault headers MassTransit wrote), so that an intermittent failure explains itself.
        var why = new List<string>();
        foreach (var (queue, count) in grown) why.Add(await ErrorQueuePeek.DescribeAsync(queue, count - errorsBefore.GetValueOrDefault(queue)));
        Assert.Fail($"Messages dead-lettered during the fault: {string.Join(", ", grown.Select(q => $"{q.Key}: {q.Value}"))}{Environment.NewLine}{string.Join(Environment.NewLine, why)}");
    }

    /// <summary>The events Training committed to its outbox, and whether each has been published.</summary>
    public Task<List<(string Type, bool Dispatched)>> TrainingOutboxAsync() => OutboxAsync("training");

    /// <summary>The events a service (training, ingestion, registry) committed to its outbox, and whether each has been published.</summary>
    public async Task<List<(string Type, bool Dispatched)>> OutboxAsync(string service)
    {
        var connection = new NpgsqlConnectionStringBuilder(Servers.PostgresConnection) { Database = $"{service}db_{Hosts.RunId}" };
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "MessageType", "DispatchedAt" IS NOT NULL FROM outbox_messages ORDER BY "Id" """, db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, bool)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetBoolean(1)));
        return rows;
    }

    public ValueTask DisposeAsync() => Hosts.DisposeAsync();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
