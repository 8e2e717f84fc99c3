using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Faults;

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

            var retry = builder.Configuration.GetSection("Messaging:Retry").Get<MessagingRetryOptions>() ?? new MessagingRetryOptions();
            var purgeOnStartup = builder.Configuration.GetValue("Messaging:PurgeOnStartup", false);
            // A RabbitMQ cluster replicates quorum queues across nodes; a single broker (tests, compose) keeps classic ones.
            // Temporary queues (Inference's per-replica ModelPromoted queue) cannot be quorum queues and stay classic.
            var quorumQueues = builder.Configuration.GetValue("Messaging:QuorumQueues", false);
            var quorumReplicas = builder.Configuration.GetValue<int?>("Messaging:QuorumReplicationFactor");
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Two layers. Outer: an outage of a dependency (database, broker, another service) is waited out with
                // long, growing intervals, so that several minutes of it send nothing to _error. RabbitMQ's
                // delayed-exchange plugin (what MassTransit's delayed redelivery needs without Quartz or Hangfire) is
                // not in Debian's broker, so the wait happens in the consumer, holding the message unacknowledged: a
                // broker restart meanwhile simply redelivers it. Inner: any fault gets a few quick retries (a lock
                // timeout, a race); what still fails and is not an outage lands in the endpoint's _error queue, where
                // an operator sees it and moves it back (`platform replay`).
                endpoint.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(TransientFaults.IsTransient);
                    r.Exponential(retry.OutageLimit, retry.OutageMinInterval, retry.OutageMaxInterval, retry.OutageIntervalDelta);
                });
                endpoint.UseMessageRetry(r => r.Intervals(retry.QuickIntervalsOrDefault));
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

/// <summary>
/// Retries of consumed messages (<c>Messaging:Retry</c>). The defaults wait out about nine minutes of outage (1, 3, 7,
/// 15 s, then every 30 s), below RabbitMQ's 30-minute consumer timeout for an unacknowledged message.
/// </summary>
public sealed class MessagingRetryOptions
{
    public int OutageLimit { get; set; } = 20;
    public TimeSpan OutageMinInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan OutageMaxInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan OutageIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Quick retries of any fault before it counts as an outage or lands in _error (default 0.2, 1, 3 s).</summary>
    public TimeSpan[]? QuickIntervals { get; set; }

    internal TimeSpan[] QuickIntervalsOrDefault =>
        QuickIntervals is { Length: > 0 } ? QuickIntervals : [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];
}
