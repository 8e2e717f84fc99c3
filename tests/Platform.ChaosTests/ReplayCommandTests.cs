using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Cli;
using RabbitMQ.Client;

namespace Platform.ChaosTests;

/// <summary><c>platform replay</c> against the real broker: what still landed in an _error queue goes back to its endpoint.</summary>
[Collection(ChaosCollection.Name)]
public sealed class ReplayCommandTests
{
    [Fact]
    public async Task Replay_moves_dead_lettered_messages_back_to_their_queue_without_fault_headers()
    {
        var queue = $"replay-test-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(Servers.RabbitUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(queue + "_error", durable: true, exclusive: false, autoDelete: false);
        try
        {
            foreach (var body in new[] { "{\"n\":1}", "{\"n\":2}" })
            {
                var properties = new BasicProperties
                {
                    ContentType = "application/vnd.masstransit+json",
                    Headers = new Dictionary<string, object?> { ["MT-Reason"] = "fault", ["MT-Fault-Message"] = "database down", ["MT-Host-MachineName"] = "h" },
                };
                await channel.BasicPublishAsync("", queue + "_error", mandatory: true, properties, Encoding.UTF8.GetBytes(body));
            }

            using var stdout = new StringWriter(CultureInfo.InvariantCulture);
            using var stderr = new StringWriter(CultureInfo.InvariantCulture);
            var exit = await Task.Run(() => CliApp.Run(["replay", "--queue", queue, "--broker", Servers.RabbitUri], stdout, stderr));

            Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
            var result = JsonNode.Parse(stdout.ToString())!;
            Assert.Equal(2, result["replayed"]!.GetValue<int>());
            Assert.Equal(0, result["left"]!.GetValue<int>());
            var replayed = new List<string>();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var headers = message.BasicProperties.Headers!;
                Assert.DoesNotContain(headers.Keys, k => k.StartsWith("MT-Fault-", StringComparison.Ordinal) || k == "MT-Reason");
                Assert.Contains("MT-Host-MachineName", headers.Keys);
                Assert.Equal("application/vnd.masstransit+json", message.BasicProperties.ContentType);
                replayed.Add(Encoding.UTF8.GetString(message.Body.Span));
            }

            Assert.Equal(["{\"n\":1}", "{\"n\":2}"], replayed);
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
            await channel.QueueDeleteAsync(queue + "_error");
        }
    }

    [Fact]
    public void Replay_of_a_queue_the_broker_does_not_have_is_bad_input()
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exit = CliApp.Run(["replay", "--queue", $"no-such-queue-{Guid.NewGuid():N}", "--broker", Servers.RabbitUri], stdout, stderr);
        Assert.Equal(2, exit);
        Assert.Contains("has no queue", stderr.ToString(), StringComparison.Ordinal);
    }
}
