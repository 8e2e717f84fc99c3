using System.Diagnostics;
using System.Runtime.CompilerServices;

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
    public static async Task<Dictionary<string, long>> ErrorQueuesAsync()
    {
        var listing = await InfraAsync("queues");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(parts => parts.Length >= 2 && parts[0].EndsWith("_error", StringComparison.Ordinal) && long.TryParse(parts[^1], out _))
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
