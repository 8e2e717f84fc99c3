using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public enum MessagingTransport
{
    RabbitMq,
    InMemory,
}

/// <summary>
/// MassTransit wiring shared by every host. The transport is RabbitMQ (connection string "rabbitmq", as Aspire
/// names it) unless <c>Messaging:Transport</c> is <c>InMemory</c>, which the all-in-one host uses.
/// </summary>
public static class Messaging
{
    public const string ConnectionName = "rabbitmq";

    public static TBuilder AddPlatformMessaging<TBuilder>(this TBuilder builder, params Action<IBusRegistrationConfigurator>[] modules)
        where TBuilder : IHostApplicationBuilder
    {
        var transport = builder.Configuration.GetValue("Messaging:Transport", MessagingTransport.RabbitMq);
        var rabbitUri = builder.Configuration.GetConnectionString(ConnectionName);
        if (transport == MessagingTransport.RabbitMq && string.IsNullOrWhiteSpace(rabbitUri))
            throw new InvalidOperationException(
                $"No RabbitMQ connection string: set ConnectionStrings:{ConnectionName} (amqp://user:pass@host:port/) or Messaging:Transport=InMemory.");

        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var module in modules) module(bus);
            Platform.ServiceDefaults.Notifications.WebhookRegistration.AddWebhookNotifier(bus, builder.Configuration);

            // Transient faults (a service that is starting, a lock timeout) retry with backoff; what still fails
            // lands in the endpoint's _error queue, where an operator can see it and move it back.
            var purgeOnStartup = builder.Configuration.GetValue("Messaging:PurgeOnStartup", false);
            // A RabbitMQ cluster replicates quorum queues across nodes; a single broker (tests, compose) keeps classic ones.
            // Temporary queues (Inference's per-replica ModelPromoted queue) cannot be quorum queues and stay classic.
            var quorumQueues = builder.Configuration.GetValue("Messaging:QuorumQueues", false);
            var quorumReplicas = builder.Configuration.GetValue<int?>("Messaging:QuorumReplicationFactor");
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
                // Test runs start from empty queues, so messages left by an earlier, aborted run cannot leak in.
                if (purgeOnStartup && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PurgeOnStartup = true;
                if (quorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator quorum
                    && endpoint is MassTransit.RabbitMqTransport.Configuration.IRabbitMqReceiveEndpointConfiguration { Settings: { Durable: true, AutoDelete: false, Exclusive: false } })
                    quorum.SetQuorumQueue(quorumReplicas);
            });

            if (transport == MessagingTransport.InMemory)
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbitUri!));
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        return builder;
    }
}
