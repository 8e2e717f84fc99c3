using System.CommandLine;
using Platform.Cli.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform replay</c>: moves the messages an endpoint dead-lettered (<c>&lt;queue&gt;_error</c>) back to its queue, one
/// at a time with broker confirms: each is published to the queue before it is removed from the error queue, so a crash
/// midway duplicates at most one message (consumers are idempotent) and loses none. MassTransit's fault headers are
/// dropped so that the replayed message reads as new. Prints <c>{"queue","replayed","left"}</c>.
/// </summary>
public static class ReplayCommand
{
    private const string ErrorSuffix = "_error";

    public static Command Create(CliContext context)
    {
        var queue = new Option<string>("--queue") { Description = "The endpoint's queue (e.g. model-trained); its _error queue is replayed.", Required = true, HelpName = "name" };
        var broker = new Option<string?>("--broker") { Description = $"amqp://user:pass@host:port/ [${PublishCommand.BrokerVariable}, else amqp://guest:guest@localhost:5672/].", HelpName = "uri" };
        var max = new Option<int>("--max") { Description = "Replay at most this many messages.", DefaultValueFactory = _ => int.MaxValue, HelpName = "n" };
        var command = new Command("replay", "Move dead-lettered messages from <queue>_error back to <queue>.") { queue, broker, max };
        command.SetAction(async (parsed, cancellationToken) => await RunAsync(context,
            parsed.GetValue(queue)!,
            parsed.GetValue(broker) ?? Environment.GetEnvironmentVariable(PublishCommand.BrokerVariable) ?? "amqp://guest:guest@localhost:5672/",
            parsed.GetValue(max), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string queue, string broker, int max, CancellationToken cancellationToken)
    {
        if (queue.EndsWith(ErrorSuffix, StringComparison.Ordinal)) queue = queue[..^ErrorSuffix.Length];
        if (!Uri.TryCreate(broker, UriKind.Absolute, out var brokerUri) || brokerUri.Scheme is not ("amqp" or "amqps"))
            throw new InputException($"--broker: '{broker}' is not an amqp:// address.");
        if (max < 1) throw new InputException("--max: give a positive number.");

        var factory = new ConnectionFactory { Uri = brokerUri, ClientProvidedName = "platform replay" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var errorQueue = queue + ErrorSuffix;
        await RequireQueueAsync(connection, queue, cancellationToken);
        await RequireQueueAsync(connection, errorQueue, cancellationToken);

        var replayed = 0;
        while (replayed < max && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties);
            if (properties.Headers is { } headers)
            {
                foreach (var fault in headers.Keys.Where(k => k.StartsWith("MT-Fault-", StringComparison.Ordinal) || k == "MT-Reason").ToList())
                    headers.Remove(fault);
            }

            // The default exchange routes by queue name: straight to the endpoint, not to every subscriber again.
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        var left = await channel.MessageCountAsync(errorQueue, cancellationToken);
        Json.Write(context.Stdout, new ReplayResult(queue, replayed, left));
        return ExitCodes.Success;
    }

    /// <summary>A passive declare on a throwaway channel: a missing queue closes the channel it was asked on.</summary>
    private static async Task RequireQueueAsync(IConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await probe.QueueDeclarePassiveAsync(name, cancellationToken);
        }
        catch (OperationInterruptedException)
        {
            throw new InputException($"--queue: the broker has no queue '{name}'.");
        }
    }

    private sealed record ReplayResult(string Queue, int Replayed, uint Left);
}
