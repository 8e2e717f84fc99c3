using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Platform.IntegrationTests;

/// <summary>
/// The real broker and database the tests run against: RABBITMQ_URI / POSTGRES_CONNECTION when set (what
/// deploy/local/test.sh exports), otherwise containers where a Docker engine exists (GitHub's runners). With
/// neither, the tests fail and say what to start: never a silent skip.
/// </summary>
public sealed class Infrastructure : IAsyncDisposable
{
    private readonly RabbitMqContainer? _rabbit;
    private readonly PostgreSqlContainer? _postgres;

    private Infrastructure(string rabbitUri, string postgres, RabbitMqContainer? rabbit, PostgreSqlContainer? postgresContainer)
    {
        RabbitUri = rabbitUri;
        PostgresConnection = postgres;
        _rabbit = rabbit;
        _postgres = postgresContainer;
    }

    public string RabbitUri { get; }
    public string PostgresConnection { get; }

    public static async Task<Infrastructure> StartAsync()
    {
        var rabbitUri = Environment.GetEnvironmentVariable("RABBITMQ_URI");
        var postgres = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION");
        if (!string.IsNullOrWhiteSpace(rabbitUri) && !string.IsNullOrWhiteSpace(postgres))
            return new Infrastructure(rabbitUri, postgres, null, null);

        if (!DockerIsAvailable())
            throw new InvalidOperationException(
                "The integration tests need RabbitMQ and PostgreSQL. Run them with `bash deploy/local/test.sh` (it installs and starts both " +
                "on loopback), or set RABBITMQ_URI (amqp://user:pass@host:port/) and POSTGRES_CONNECTION (an Npgsql connection string " +
                "for a role that may create databases), or run where a Docker engine is available for Testcontainers.");

        var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
        var pg = new PostgreSqlBuilder("postgres:17").Build();
        await Task.WhenAll(rabbit.StartAsync(), pg.StartAsync());
        return new Infrastructure(rabbit.GetConnectionString(), pg.GetConnectionString(), rabbit, pg);
    }

    private static bool DockerIsAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    public async ValueTask DisposeAsync()
    {
        if (_rabbit is not null) await _rabbit.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
