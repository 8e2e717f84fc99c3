using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Platform.Contracts;

namespace Platform.Inference.Tests;

/// <summary>Swaps under load and failed loads, on a host of their own (they change the version served).</summary>
public sealed class HotSwapTests(InferenceHost host) : IClassFixture<InferenceHost>
{
    [Fact]
    public async Task No_request_fails_while_versions_are_swapped_repeatedly_and_a_failed_load_keeps_the_current_one()
    {
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var versions = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var body = $$"""{"instances":[{{TrainedModels.IrisInstance}}]}""";

        var hammers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            using var client = host.Client();
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("models/iris/predict", new StringContent(body, Encoding.UTF8, "application/json"));
                statuses.Add(response.StatusCode);
                if (response.IsSuccessStatusCode) versions.Add((int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!);
            }
        })).ToArray();

        // Twenty promotions, alternating v2 and v1 (a rollback is a newer promotion of an older version).
        for (var i = 1; i <= 20; i++)
        {
            var target = i % 2 == 1 ? 2 : 1;
            await host.PromoteAsync("iris", target, InferenceHost.FirstPromotion.AddMinutes(i));
            await WaitUntil(() => host.Catalog.Current("iris")?.Version == target, $"iris v{target} to be served");
            await Task.Delay(20);
        }

        // A broken v3 is promoted: it fails to load, v1 stays in service, the failure is published.
        await host.PromoteAsync("iris", 3, InferenceHost.FirstPromotion.AddMinutes(30));
        // Polled rather than the harness's Any(), which returns false once the bus looks idle (a slow load can outlast that).
        ModelLoadFailed? failed = null;
        await WaitUntil(() => (failed = host.Harness.Published.Select<ModelLoadFailed>()
            .Select(m => m.Context.Message).FirstOrDefault(m => m.ModelName == "iris" && m.Version == 3)) is not null, "ModelLoadFailed for iris v3");
        Assert.Equal(1, failed!.ServedVersion);
        await Task.Delay(100);
        await stop.CancelAsync();
        await Task.WhenAll(hammers);

        Assert.NotEmpty(statuses);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(1, versions);
        Assert.Contains(2, versions);
        Assert.DoesNotContain(3, versions);
        Assert.Equal(1, host.Catalog.Current("iris")!.Version);
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}
