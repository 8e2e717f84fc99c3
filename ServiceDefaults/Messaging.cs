using Microsoft.Extensions.Hosting;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Faults;

namespace Platform.ServiceDefaults;

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
        var transport = TransportOf(builder.Configuration);
        var rabbitUri = builder.Configuration.GetConnectionString(ConnectionName);
        if (transport == MessagingTransport.RabbitMq && string.IsNullOrWhiteSpace(rabbitUri))
            throw new InvalidOperationException(
                $"No RabbitMQ connection string: set ConnectionStrings:{ConnectionName} (amqp://user:pass@host:port/) or Messaging:Transport=InMemory.");

        // A bounded stop, within the host's shutdown timeout whatever is queued: consumers get half of it to finish
        // their message (then their token is cancelled), the bus three quarters. What the in-memory bus still holds
        // then is lost (the embedded default's README says so); a broker redelivers what was not acknowledged.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<Microsoft.Extensions.Options.IOptions<HostOptions>>((mt, host) =>
        {
            mt.ConsumerStopTimeout ??= host.Value.ShutdownTimeout / 2;
            mt.StopTimeout ??= host.Value.ShutdownTimeout * 3 / 4;
        });
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
                // Two layers. An outage of a dependency (database, broker, another service) is waited out, so that
                // several minutes of it send nothing to _error; any other fault gets a few quick retries (a lock
                // timeout, a race), and what still fails lands in the endpoint's _error queue, where an operator sees it
                // and moves it back (`platform replay`). The outage layer must be the inner one: MassTransit's retry
                // filter gives up at once, without retrying, when an inner retry filter has already given up (it finds
                // that filter's retry context on the message), so quick retries nested inside would end every outage
                // after their few seconds. RabbitMQ's delayed-exchange plugin (what delayed redelivery needs without
                // Quartz or Hangfire) is not in Debian's broker, so the wait happens in the consumer, holding the message
                // unacknowledged: a broker restart meanwhile simply redelivers it. The interval is capped short so that
                // a consumer resumes within a few seconds of the dependency coming back.
                endpoint.UseMessageRetry(r => r.Intervals(retry.QuickIntervalsOrDefault));
                endpoint.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(TransientFaults.IsTransient);
                    r.Intervals(retry.OutageIntervals());
                });
                // Test runs start from empty queues, so messages left by an earlier, aborted run cannot leak in.
                if (purgeOnStartup && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PurgeOnStartup = true;
                if (quorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator quorum
                    && endpoint is MassTransit.RabbitMqTransport.Configuration.IRabbitMqReceiveEndpointConfiguration { Settings: { Durable: true, AutoDelete: false, Exclusive: false } })
                    quorum.SetQuorumQueue(quorumReplicas);
            });

            if (transport == MessagingTransport.InMemory)
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbitUri!));
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        return builder;
    }

    /// <summary>
    /// Message bodies without indentation. MassTransit 8.5 writes them indented by default: measured on a 500-row
    /// <c>PredictionsLogged</c>, 1.15 µs and 314 bytes a row indented, 0.96 µs and 205 bytes compact. The options are
    /// MassTransit's process-wide ones, so a second bus in the process (tests) finds them read-only and leaves them.
    /// </summary>
    private static System.Text.Json.JsonSerializerOptions Compact(System.Text.Json.JsonSerializerOptions options)
    {
        if (!options.IsReadOnly) options.WriteIndented = false;
        return options;
    }

    public static MessagingTransport TransportOf(IConfiguration configuration) =>
        configuration.GetValue("Messaging:Transport", MessagingTransport.RabbitMq);

    /// <summary>
    /// For a module that consumes batches another module of the same process publishes: on the in-memory bus they
    /// share an <see cref="Platform.ServiceDefaults.InProcess.InProcessBacklog"/>, which bounds the batches queued
    /// between them. On a broker nothing is registered (the consumer may be another process).
    /// </summary>
    public static void AddInProcessBacklog(this IHostApplicationBuilder builder)
    {
        if (TransportOf(builder.Configuration) == MessagingTransport.InMemory)
            builder.Services.TryAddSingleton<Platform.ServiceDefaults.InProcess.InProcessBacklog>();
    }
}

/// <summary>
/// Retries of consumed messages (<c>Messaging:Retry</c>). The defaults wait out ten minutes of outage (1, 2, 4 s, then
/// every 5 s), below RabbitMQ's 30-minute consumer timeout for an unacknowledged message; a consumer waiting out an
/// outage tries again at most <see cref="OutageMaxInterval"/> after the dependency is back.
/// </summary>
public sealed class MessagingRetryOptions
{
    /// <summary>How long an outage is waited out before the message lands in _error.</summary>
    public TimeSpan OutageWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The first wait of an outage; each next one doubles, up to <see cref="OutageMaxInterval"/>.</summary>
    public TimeSpan OutageMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries during an outage: short, since it delays the recovery by as much.</summary>
    public TimeSpan OutageMaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Quick retries of a fault that is not an outage, before it lands in _error (default 0.2, 1, 3 s).</summary>
    public TimeSpan[]? QuickIntervals { get; set; }

    internal TimeSpan[] QuickIntervalsOrDefault =>
        QuickIntervals is { Length: > 0 } ? QuickIntervals : [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>The waits between the tries of a message during an outage: doubling from the first, capped, until the window is covered.</summary>
    public TimeSpan[] OutageIntervals()
    {
        if (OutageMinInterval <= TimeSpan.Zero || OutageMaxInterval < OutageMinInterval)
            throw new InvalidOperationException("Messaging:Retry needs 0 < OutageMinInterval <= OutageMaxInterval.");
        var intervals = new List<TimeSpan>();
        var total = TimeSpan.Zero;
        for (var next = OutageMinInterval; total < OutageWindow; next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, OutageMaxInterval.Ticks)))
        {
            intervals.Add(next);
            total += next;
        }

        return [.. intervals];
    }
}
