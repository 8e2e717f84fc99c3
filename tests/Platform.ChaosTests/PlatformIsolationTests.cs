using System.Text;
using System.Text.Json;
using Platform.Contracts;
using RabbitMQ.Client;

namespace Platform.ChaosTests;

/// <summary>
/// Each test's platform starts from empty queues, though its services do not purge: an event an earlier test left in a
/// durable queue must not reach it (it would fault there and be counted in this test's _error queues).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class PlatformIsolationTests
{
    private const string Queue = "monitoring-model-promoted";

    [Fact]
    public async Task A_promotion_an_earlier_platform_left_queued_never_reaches_the_next_platform_s_Monitoring()
    {
        // As MassTransit declares the endpoint's queue (durable, no arguments): it exists already after any earlier test.
        var factory = new ConnectionFactory { Uri = new Uri(Servers.RabbitUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", Queue, mandatory: true, new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true },
                Encoding.UTF8.GetBytes(StalePromotion()));
        }

        var errorsBefore = await Servers.ErrorQueuesAsync();

        await using var platform = await ChaosPlatform.StartAsync();

        // Had it been delivered, Monitoring would hold it (retrying) until it moved it to _error: the queue is empty
        // only once it is handled one way or the other.
        await Eventually.HoldsAsync(async () => await Servers.QueueDepthAsync(Queue) == 0, TimeSpan.FromSeconds(60), $"{Queue} to be empty");
        var before = errorsBefore.GetValueOrDefault(Queue + "_error");
        var after = (await Servers.ErrorQueuesAsync()).GetValueOrDefault(Queue + "_error");
        Assert.True(after == before, after > before ? await ErrorQueuePeek.DescribeAsync(Queue + "_error", after - before) : $"{Queue}_error shrank: {before} → {after}");
    }

    /// <summary>
    /// A promotion of a model this platform does not know, whose training data lives at an address it does not serve
    /// (the earlier platform's Ingestion): Monitoring refuses to fetch it, a fault that is not an outage.
    /// </summary>
    private static string StalePromotion()
    {
        var promoted = new ModelPromoted($"left-by-an-earlier-test-{Guid.NewGuid():N}", 1, null, Guid.NewGuid(), TaskNames.Regression,
            [new ColumnInfo("age", "numeric")], new Uri("http://earlier-platform.invalid/runs/1/artifacts/model.onnx"), new string('0', 64),
            "earlier", 1, new Uri("http://earlier-platform.invalid/datasets/earlier/versions/1/content"), "r2", 0.4, "first version",
            DateTimeOffset.UtcNow);
        var envelope = new Dictionary<string, object?>
        {
            ["messageId"] = Guid.NewGuid(),
            ["messageType"] = new[] { "urn:message:Platform.Contracts:ModelPromoted" },
            ["message"] = promoted,
        };
        return JsonSerializer.Serialize(envelope, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }
}
