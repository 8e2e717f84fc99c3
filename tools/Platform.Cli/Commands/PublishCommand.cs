using System.CommandLine;
using MassTransit;
using Platform.Cli.Infrastructure;
using Platform.Producer;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform publish</c>: submits a CSV to Ingestion over RabbitMQ (inline up to 1 MiB, or an http(s) URL as a claim
/// check) and waits for the answer. Prints <c>DatasetAccepted</c> or <c>DatasetRejected</c> as JSON; a rejection is bad
/// input (exit 2), no broker or no answer a failure (exit 1).
/// </summary>
public static class PublishCommand
{
    public const string BrokerVariable = "PLATFORM_BROKER";

    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "The dataset name.", Required = true, HelpName = "name" };
        var data = new Option<string>("--data") { Description = "A CSV file (sent inline, at most 1 MiB) or an http(s) URL Ingestion downloads.", Required = true, HelpName = "csv|url" };
        var target = new Option<string?>("--target") { Description = "The target column (kept from the previous version when omitted).", HelpName = "column" };
        var task = new Option<string?>("--task") { Description = "regression, binary or multiclass (inferred or kept when omitted).", HelpName = "task" };
        var append = new Option<bool>("--append") { Description = "Add these rows to the newest version." };
        var newSchema = new Option<bool>("--new-schema") { Description = "Start a new schema version (other columns, target or task)." };
        var broker = new Option<string?>("--broker") { Description = $"amqp://user:pass@host:port/ [${BrokerVariable}, else amqp://guest:guest@localhost:5672/].", HelpName = "uri" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 300, HelpName = "s" };
        var apiKey = new Option<string?>("--api-key") { Description = "A producer key, when Ingestion has API keys configured [$PLATFORM_API_KEY].", HelpName = "key" };

        var command = new Command("publish", "Publish a CSV to Ingestion on the bus and wait for the answer.")
            { name, data, target, task, append, newSchema, broker, timeout, apiKey };
        command.SetAction(async (parsed, cancellationToken) => await RunAsync(context,
            new DatasetSubmission(parsed.GetValue(name)!, parsed.GetValue(data)!, parsed.GetValue(target), parsed.GetValue(task), parsed.GetValue(append), parsed.GetValue(newSchema)),
            parsed.GetValue(broker) ?? Environment.GetEnvironmentVariable(BrokerVariable) ?? "amqp://guest:guest@localhost:5672/",
            TimeSpan.FromSeconds(parsed.GetValue(timeout)),
            parsed.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("PLATFORM_API_KEY"),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, DatasetSubmission submission, string broker, TimeSpan timeout, string? apiKey, CancellationToken cancellationToken)
    {
        if (!submission.Data.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !submission.Data.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            Inputs.RequireFile(submission.Data, "--data");
        if (!Uri.TryCreate(broker, UriKind.Absolute, out var brokerUri) || brokerUri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
            throw new InputException($"--broker: '{broker}' is not an amqp:// address.");
        // Read (and size-check) the file before connecting: a file too large for the bus is the user's to fix.
        await DatasetPublisher.CreateMessageAsync(submission, Guid.Empty, cancellationToken);

        await using var publisher = await DatasetPublisher.ConnectAsync(brokerUri, apiKey, cancellationToken);
        SubmissionAnswer answer;
        try
        {
            answer = await publisher.SubmitAsync(submission, timeout, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            context.Stderr.WriteLine($"error: no answer from Ingestion within {timeout.TotalSeconds:0} s (is it running and connected to this broker?).");
            return ExitCodes.Failure;
        }

        if (answer.Accepted is { } accepted)
        {
            Json.Write(context.Stdout, accepted);
            return ExitCodes.Success;
        }

        Json.Write(context.Stdout, answer.Rejected!);
        context.Stderr.WriteLine($"error: {submission.Name} was rejected: {answer.Rejected!.TotalProblems} problem(s); the first: {answer.Rejected.Reasons.FirstOrDefault()?.Message}");
        return ExitCodes.BadInput;
    }
}
