using System.Diagnostics;
using System.Runtime.CompilerServices;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.ChaosTests;

/// <summary>
/// The real broker and database server these tests break: RABBITMQ_URI / POSTGRES_CONNECTION from
/// `deploy/local/test.sh` (or `infra.sh env`), stopped and started through `deploy/local/infra.sh` with the same
/// PLATFORM_* settings. Without them the tests fail and say what to start: never a silent skip.
/// </summary>
public static class Servers
{
    public static string RabbitUri => Require("RABBITMQ_URI");
    public static string PostgresConnection => Require("POSTGRES_CONNECTION");

    public static Task StopBrokerAsync() => InfraAsync("stop-rabbitmq");
    public static Task StartBrokerAsync() => InfraAsync("start-rabbitmq");
    public static Task StopDatabaseAsync() => InfraAsync("stop-postgres");
    public static Task StartDatabaseAsync() => InfraAsync("start-postgres");

    /// <summary>Messages waiting in each queue whose name ends in _error.</summary>
    public static async Task<Dictionary<string, long>> ErrorQueuesAsync() =>
        (await QueueDepthsAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal)).ToDictionary();

    /// <summary>Messages in one queue (ready and unacknowledged), 0 when the broker has no such queue.</summary>
    public static async Task<long> QueueDepthAsync(string queue) => (await QueueDepthsAsync()).GetValueOrDefault(queue);

    /// <summary>
    /// Empties every queue but the _error and _skipped ones. The broker and its durable queues outlive a test's
    /// platform: an event an earlier platform left behind (a redelivery after a broker restart that was still queued
    /// when its test ended, say) would otherwise reach the next platform's consumers, whose services know nothing of
    /// it, and fault there. Done before the services start, since they do not purge on start-up themselves (see
    /// <see cref="ChaosPlatform.StartAsync"/>). Returns how many messages each non-empty queue held.
    /// </summary>
    public static async Task<Dictionary<string, long>> PurgeQueuesAsync()
    {
        var queues = (await QueueDepthsAsync()).Where(q => q.Value > 0
            && !q.Key.EndsWith("_error", StringComparison.Ordinal) && !q.Key.EndsWith("_skipped", StringComparison.Ordinal));
        var factory = new ConnectionFactory { Uri = new Uri(RabbitUri) };
        await using var connection = await factory.CreateConnectionAsync();
        var purged = new Dictionary<string, long>();
        foreach (var (queue, _) in queues)
        {
            // A channel per queue: one deleted since the listing (a temporary queue) closes the channel it was asked on.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                purged[queue] = await channel.QueuePurgeAsync(queue);
            }
            catch (OperationInterruptedException gone) when (gone.ShutdownReason?.ReplyCode == 404)
            {
            }
        }

        return purged;
    }

    private static async Task<Dictionary<string, long>> QueueDepthsAsync()
    {
        var listing = await InfraAsync("queues");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(parts => parts.Length >= 2 && long.TryParse(parts[^1], out _))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[^1]));
    }

    private static async Task<string> InfraAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [InfraScript(), command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"infra.sh {command} exited {process.ExitCode}: {await errors}");
        return await output;
    }

    private static string Require(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"The chaos tests stop and start a real RabbitMQ and PostgreSQL: run them with `bash deploy/local/test.sh` or after " +
            $"`bash deploy/local/infra.sh start; eval \"$(bash deploy/local/infra.sh env)\"` ({variable} is not set).");

    private static string InfraScript([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "deploy", "local", "infra.sh");
                if (File.Exists(candidate)) return candidate;
            }
        }

        throw new FileNotFoundException("deploy/local/infra.sh not found above the test binaries.");
    }
}
