using System.Globalization;
using System.Text;
using RabbitMQ.Client;

namespace Platform.ChaosTests;

/// <summary>
/// Why messages landed in an _error queue, read from the fault headers MassTransit put on them, without consuming them
/// for good: every message is taken with basic.get and no acknowledgement, and closing the channel puts them all back
/// where they were (the broker has no management plugin here, so this is the only way to look).
/// </summary>
public static class ErrorQueuePeek
{
    private const int StackTraceLines = 8;
    private const int BodyChars = 600;

    private static readonly string[] FaultHeaders =
        ["MT-Reason", "MT-Fault-ExceptionType", "MT-Fault-Message", "MT-Fault-ConsumerType", "MT-Fault-Timestamp", "MT-Fault-RetryCount", "MT-Redelivery-Count", "MT-Host-MachineName", "MT-Host-ProcessId"];

    /// <summary>The newest <paramref name="newest"/> messages of the queue (those that grew during a test), one block each.</summary>
    public static async Task<string> DescribeAsync(string queue, long newest, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory { Uri = new Uri(Servers.RabbitUri) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var descriptions = new List<string>();
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            var all = new List<string>();
            while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
                all.Add(Describe(message));
            descriptions.AddRange(all.Skip(Math.Max(0, all.Count - (int)Math.Min(newest, int.MaxValue))));
            // Closing the channel with the messages unacknowledged requeues them.
            await channel.CloseAsync(cancellationToken);
        }

        return $"{queue} (newest {descriptions.Count}):{Environment.NewLine}{string.Join(Environment.NewLine, descriptions)}";
    }

    private static string Describe(BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  message {message.BasicProperties.MessageId ?? "(no id)"}");
        foreach (var name in FaultHeaders)
            if (headers.TryGetValue(name, out var value)) text.Append(CultureInfo.InvariantCulture, $"; {name}: {AsText(value)}");
        // Which run's message it is (its model name, say): one left by an earlier test is not this test's fault.
        var body = Encoding.UTF8.GetString(message.Body.Span).ReplaceLineEndings(" ");
        text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}    body: {(body.Length > BodyChars ? body[..BodyChars] + "…" : body)}");
        if (headers.TryGetValue("MT-Fault-StackTrace", out var stack))
            foreach (var line in AsText(stack).Split('\n').Take(StackTraceLines))
                text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}    {line.TrimEnd()}");
        return text.ToString();
    }

    // RabbitMQ.Client hands string headers over as their UTF-8 bytes.
    private static string AsText(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
