using System.Text;
using RabbitMQ.Client;

namespace Platform.ChaosTests;

/// <summary>The chaos tests' explanation of a dead-lettered message, against the real broker.</summary>
[Collection(ChaosCollection.Name)]
public sealed class ErrorQueuePeekTests
{
    [Fact]
    public async Task Describes_the_newest_messages_fault_headers_and_leaves_every_message_in_the_queue()
    {
        var queue = $"peek-test-{Guid.NewGuid():N}_error";
        var factory = new ConnectionFactory { Uri = new Uri(Servers.RabbitUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        try
        {
            foreach (var (type, text) in new[] { ("System.InvalidOperationException", "older fault"), ("Npgsql.PostgresException", "23505: duplicate key") })
            {
                var properties = new BasicProperties
                {
                    MessageId = text,
                    Headers = new Dictionary<string, object?>
                    {
                        ["MT-Reason"] = "fault",
                        ["MT-Fault-ExceptionType"] = type,
                        ["MT-Fault-Message"] = text,
                        ["MT-Fault-StackTrace"] = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"   at Frame{i}()")),
                    },
                };
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes($"{{\"modelName\":\"{text}\"}}"));
            }

            var described = await ErrorQueuePeek.DescribeAsync(queue, newest: 1);

            Assert.Contains("Npgsql.PostgresException", described, StringComparison.Ordinal);
            Assert.Contains("23505: duplicate key", described, StringComparison.Ordinal);
            Assert.Contains("body: {\"modelName\":\"23505: duplicate key\"}", described, StringComparison.Ordinal);
            Assert.Contains("at Frame8()", described, StringComparison.Ordinal);
            Assert.DoesNotContain("at Frame9()", described, StringComparison.Ordinal);
            Assert.DoesNotContain("older fault", described, StringComparison.Ordinal);
            // Peeking put both back, in their order.
            var left = new List<string?>();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) left.Add(message.BasicProperties.MessageId);
            Assert.Equal(["older fault", "23505: duplicate key"], left);
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
        }
    }
}
