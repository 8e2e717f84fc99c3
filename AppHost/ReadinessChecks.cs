using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;

namespace Platform.AppHost;

/// <summary>
/// Readiness of the executable broker: an AMQP connection with the platform's credentials opens. The port alone
/// opens before the broker accepts logins.
/// </summary>
public sealed class RabbitMqReadyCheck(ReferenceExpression uri) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri((await uri.GetValueAsync(cancellationToken))!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}

/// <summary>
/// Readiness of the executable database server: every service database exists and takes a login. The server
/// script creates them after the server starts, so an open port is not yet enough.
/// </summary>
public sealed class PostgresReadyCheck(IReadOnlyList<ReferenceExpression> connectionStrings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            foreach (var connectionString in connectionStrings)
            {
                await using var connection = new NpgsqlConnection((await connectionString.GetValueAsync(cancellationToken))! + ";Pooling=false;Timeout=3");
                await connection.OpenAsync(cancellationToken);
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
