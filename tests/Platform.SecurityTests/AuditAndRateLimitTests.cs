using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Tests;

namespace Platform.SecurityTests;

/// <summary>
/// The embedded default with its production rate limits: a manual move is audited with the key id that made it, its
/// reason is bounded, it accepts only JSON, and a storm of retrains is cut off by the per-key limit.
/// </summary>
public sealed class AuditAndRateLimitTests : IAsyncLifetime
{
    private const string OperatorKey = "audit-test-operator-key";
    private const string ProducerKey = "audit-test-producer-key";
    private StandaloneProcess? _process;

    public async Task InitializeAsync() => _process = await StandaloneProcess.StartAsync(new Dictionary<string, string>
    {
        ["Training:Trainers:0"] = "sdca",
        ["Training:Repeats"] = "1",
        ["Auth:Keys:alice:Key"] = OperatorKey,
        ["Auth:Keys:alice:Roles"] = "operator",
        ["Auth:Keys:uploader:Key"] = ProducerKey,
        ["Auth:Keys:uploader:Roles"] = "producer",
    }, environment: "Production");

    [Fact]
    public async Task A_manual_promotion_is_audited_with_the_key_id_and_never_the_key()
    {
        using var producer = _process!.CreateClient(ProducerKey, SecuredPlatform.RequestTimeout);
        using var operatorClient = _process.CreateClient(OperatorKey, SecuredPlatform.RequestTimeout);
        await UploadAsync(producer, "diabetes_train.csv");
        await _process.UntilAsync(async () => await ProductionVersionAsync(operatorClient) == 1, TimeSpan.FromMinutes(4), "version 1 in production");
        await UploadAsync(producer, "diabetes.csv");
        await _process.UntilAsync(async () => (await operatorClient.GetFromJsonAsync<JsonObject>("models/diabetes"))!["versions"]!.AsArray().Count == 2,
            TimeSpan.FromMinutes(4), "version 2");
        var target = await ProductionVersionAsync(operatorClient) == 1 ? 2 : 1;

        using (var noJson = await operatorClient.PostAsync($"models/diabetes/versions/{target}/promote", new StringContent("reason=x", Encoding.UTF8, "application/x-www-form-urlencoded")))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, noJson.StatusCode);
        using (var noBody = await operatorClient.PostAsync($"models/diabetes/versions/{target}/promote", null))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, noBody.StatusCode);
        using (var longReason = await operatorClient.PostAsJsonAsync($"models/diabetes/versions/{target}/promote", new { reason = new string('r', 501) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, longReason.StatusCode);
            Assert.Equal("reason", (string?)(await longReason.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
        }

        Assert.NotEqual(target, await ProductionVersionAsync(operatorClient));
        using (var promoted = await operatorClient.PostAsJsonAsync($"models/diabetes/versions/{target}/promote", new { reason = "incident 42" }))
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);

        var audit = await operatorClient.GetStringAsync("models/diabetes/audit");
        var entry = JsonNode.Parse(audit)!.AsArray().First(a => (string?)a!["action"] == "manual-promote")!;
        Assert.Equal(("alice", "incident 42", target), ((string?)entry["keyId"], (string?)entry["reason"], (int?)entry["toVersion"]));
        Assert.DoesNotContain(OperatorKey, audit, StringComparison.Ordinal);
        Assert.Contains("Audit: download", _process.Output(), StringComparison.Ordinal); // the Registry read the run's artifact with the service key
    }

    [Fact]
    public async Task Fifty_retrain_calls_in_a_row_pass_the_per_key_limit_five_times_and_get_429_problems_with_Retry_After()
    {
        using var operatorClient = _process!.CreateClient(OperatorKey, SecuredPlatform.RequestTimeout);
        var passed = 0;
        var limited = 0;
        for (var i = 0; i < 50; i++)
        {
            using var response = await operatorClient.PostAsJsonAsync("models/no-such-model/retrain", new { reason = "storm" });
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                passed++;
                continue;
            }

            limited++;
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        }

        Assert.Equal((5, 45), (passed, limited));
    }

    private static async Task UploadAsync(HttpClient client, string file)
    {
        using var csv = new StreamContent(File.OpenRead(SharedData.PathOf(file)));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync("datasets/diabetes?target=target&task=regression", csv);
        Assert.True(response.IsSuccessStatusCode, $"upload of {file} answered {(int)response.StatusCode}");
    }

    private static async Task<int?> ProductionVersionAsync(HttpClient client)
    {
        using var response = await client.GetAsync("models/diabetes");
        return response.IsSuccessStatusCode ? (int?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["productionVersion"] : null;
    }

    public async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}
