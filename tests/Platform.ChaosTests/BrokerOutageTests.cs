using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>RabbitMQ stopped for a while and started again while the loop is busy.</summary>
[Collection(ChaosCollection.Name)]
public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Broker_restart_mid_training_trains_once_registers_once_and_serves()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var model = platform.ModelName("broker-training");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        await platform.UploadAsync(model);

        await platform.RunReachesAsync(model, "training");
        await Servers.StopBrokerAsync();
        try
        {
            await AssertNotReadyAsync(platform, "training");
            await Task.Delay(Outage);
        }
        finally
        {
            await Servers.StartBrokerAsync();
        }

        var converged = await platform.ConvergedOnOneVersionAsync(model);
        output.WriteLine($"converged {converged.TotalSeconds:F1} s after the broker was back");
        await platform.AssertExactlyOnceAsync(model, errorsBefore);
    }

    [Fact]
    public async Task Broker_restart_as_ModelTrained_is_published_registers_one_version_and_Monitoring_gets_its_promotion()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var model = platform.ModelName("broker-promotion");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        await platform.UploadAsync(model);

        // Stopped the moment Training's outbox has published ModelTrained: the Registry is consuming it, and its
        // ModelPromoted is about to be published.
        await Eventually.HoldsAsync(async () => (await platform.TrainingOutboxAsync()).Contains(("Platform.Contracts.ModelTrained", true)),
            TimeSpan.FromMinutes(2), "ModelTrained to be published");
        await Servers.StopBrokerAsync();
        try
        {
            await Task.Delay(Outage);
        }
        finally
        {
            await Servers.StartBrokerAsync();
        }

        // Inference's catching up after a lost ModelPromoted is its reconciliation's job: asserted on the Registry,
        // and on Monitoring, whose durable queue must have kept the ModelPromoted published around the outage.
        var converged = await platform.ConvergedOnOneVersionAsync(model, serving: false);
        using var monitoring = platform.Client("monitoring");
        converged += await Eventually.HoldsAsync(async () => (await monitoring.GetAsync($"drift/{model}/reference")).IsSuccessStatusCode,
            ChaosPlatform.Converge, $"Monitoring to hold the reference of {model} v1");
        output.WriteLine($"converged {converged.TotalSeconds:F1} s after the broker was back");
        await platform.AssertExactlyOnceAsync(model, errorsBefore);
    }

    [Fact]
    public async Task Predictions_logged_while_the_broker_is_down_all_reach_Monitoring_once_it_is_back()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var model = platform.ModelName("broker-log");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        await platform.UploadAsync(model);
        await platform.ConvergedOnOneVersionAsync(model);
        await platform.MonitoringHoldsReferenceAsync(model);

        var logged = new List<Guid>();
        await Servers.StopBrokerAsync();
        try
        {
            await AssertNotReadyAsync(platform, "inference");
            var outageEnds = DateTime.UtcNow + Outage;
            while (DateTime.UtcNow < outageEnds)
            {
                logged.AddRange(await platform.PredictAsync(model)); // served throughout
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
        finally
        {
            await Servers.StartBrokerAsync();
        }

        var converged = await Eventually.HoldsAsync(async () => (await platform.LoggedAtMonitoringAsync(model)).IsSupersetOf(logged),
            ChaosPlatform.Converge, () => $"Monitoring to hold all {logged.Count} predictions logged during the outage");
        output.WriteLine($"{logged.Count} predictions logged during a {Outage.TotalSeconds:F0} s outage, all at Monitoring {converged.TotalSeconds:F1} s after the broker was back");
        await platform.AssertExactlyOnceAsync(model, errorsBefore);
    }

    /// <summary>While the broker is unreachable a service is not ready: /health answers 503.</summary>
    private static Task AssertNotReadyAsync(ChaosPlatform platform, string service) => Eventually.HoldsAsync(async () =>
    {
        using var client = platform.Client(service);
        using var response = await client.GetAsync("health");
        return response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable;
    }, TimeSpan.FromSeconds(15), $"{service}'s /health to answer 503 without the broker");
}
