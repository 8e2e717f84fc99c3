using Platform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Tests;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Operations.Tests;

/// <summary>
/// <c>Messaging:QuorumQueues</c> against a real RabbitMQ: durable endpoints are declared as quorum queues, temporary
/// per-instance ones stay classic (RabbitMQ refuses auto-delete quorum queues, so the bus would not start otherwise).
/// Uses RABBITMQ_URI (deploy/local/test.sh exports it).
/// </summary>
public sealed class QuorumQueueTests
{
    [Fact]
    public async Task Durable_endpoints_become_quorum_queues_and_temporary_ones_stay_classic()
    {
        var rabbitUri = Environment.GetEnvironmentVariable("RABBITMQ_URI");
        Assert.False(string.IsNullOrWhiteSpace(rabbitUri),
            "RABBITMQ_URI is not set: run the tests with `bash deploy/local/test.sh` (it starts RabbitMQ on loopback and exports it).");
        var queue = $"quorum-probe-{Guid.NewGuid():N}";
        var temporaryInstance = Guid.NewGuid().ToString("N");

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:AllowAnonymous"] = "true",
            ["ConnectionStrings:rabbitmq"] = rabbitUri,
            ["Messaging:QuorumQueues"] = "true",
            ["Metrics:Prometheus:HealthCheckPeriod"] = "00:00:01",
        });
        builder.AddServiceDefaults();
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = queue);
            bus.AddConsumer<TemporaryProbeConsumer>().Endpoint(e =>
            {
                e.InstanceId = temporaryInstance;
                e.Temporary = true;
            });
        });
        using var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        await host.StartAsync();
        try
        {
            var health = host.Services.GetRequiredService<HealthCheckService>();
            await Eventually.HoldsAsync(async () => (await health.CheckHealthAsync(c => c.Name == "masstransit-bus")).Status == HealthStatus.Healthy,
                TimeSpan.FromSeconds(60), "the bus, with both endpoints, to be healthy");

            var factory = new ConnectionFactory { Uri = new Uri(rabbitUri!) };
            await using var connection = await factory.CreateConnectionAsync();
            // Re-declaring a queue with other arguments is refused (PRECONDITION_FAILED): that tells its type.
            Assert.True(await DeclaresAsAsync(connection, queue, "quorum"), $"{queue} is not a quorum queue");
            Assert.False(await DeclaresAsAsync(connection, queue, "classic"));

            await using (var channel = await connection.CreateChannelAsync())
                await channel.QueueDeleteAsync(queue);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<bool> DeclaresAsAsync(IConnection connection, string queue, string type)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = type });
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    public sealed class ProbeConsumer : IConsumer<ModelPromoted>
    {
        public Task Consume(ConsumeContext<ModelPromoted> context) => Task.CompletedTask;
    }

    public sealed class TemporaryProbeConsumer : IConsumer<ModelRejected>
    {
        public Task Consume(ConsumeContext<ModelRejected> context) => Task.CompletedTask;
    }
}
