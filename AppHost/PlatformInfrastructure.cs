using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.AppHost;

/// <summary>
/// RabbitMQ and a PostgreSQL database per stateful service, as containers with data volumes where a container
/// runtime answers, otherwise as executables from the Debian packages, run by <c>deploy/local/infra.sh</c>
/// (<c>run-rabbitmq</c>, <c>run-postgres</c>) with their data under <see cref="DataPath"/> on fixed ports.
/// </summary>
public sealed class PlatformInfrastructure
{
    public static readonly string[] DatabaseNames = ["ingestiondb", "trainingdb", "registrydb", "monitoringdb"];

    private readonly Dictionary<string, (IResourceBuilder<IResourceWithConnectionString> Reference, IResourceBuilder<IResource> Ready)> _databases = [];

    private PlatformInfrastructure(string dataPath) => DataPath = dataPath;

    /// <summary>Where the executables and the services keep their files (absolute).</summary>
    public string DataPath { get; }

    public IResourceBuilder<IResourceWithConnectionString> RabbitMq { get; private set; } = null!;

    /// <summary>What a service waits for before it starts to use the broker.</summary>
    public IResourceBuilder<IResource> RabbitMqReady { get; private set; } = null!;

    public IResourceBuilder<IResourceWithConnectionString> Database(string name) => _databases[name].Reference;

    public IResourceBuilder<IResource> DatabaseReady(string name) => _databases[name].Ready;

    public static PlatformInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfrastructureOptions.Section).Get<InfrastructureOptions>() ?? new InfrastructureOptions();
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var infrastructure = new PlatformInfrastructure(Path.GetFullPath(Path.Combine(repositoryRoot, options.DataPath)));

        // Generated on the first run and kept in the AppHost's user secrets; set Parameters:<name> to choose them.
        var rabbitPassword = builder.AddParameter("rabbitmq-password", Secret(), secret: true, persist: true);
        var postgresPassword = builder.AddParameter("postgres-password", Secret(), secret: true, persist: true);

        var useContainers = options.Mode switch
        {
            InfrastructureMode.Containers => true,
            InfrastructureMode.Executables => false,
            _ => ContainerRuntime.IsAvailable(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"], TimeSpan.FromSeconds(options.RuntimeProbeSeconds)),
        };
        if (useContainers) infrastructure.AddContainers(builder, options, rabbitPassword, postgresPassword);
        else infrastructure.AddExecutables(builder, options, Path.Combine(repositoryRoot, "deploy", "local", "infra.sh"), rabbitPassword, postgresPassword);
        return infrastructure;
    }

    internal static GenerateParameterDefault Secret() => new() { MinLength = 32, Special = false };

    private void AddContainers(IDistributedApplicationBuilder builder, InfrastructureOptions options,
        IResourceBuilder<ParameterResource> rabbitPassword, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var rabbit = builder.AddRabbitMQ("rabbitmq", password: rabbitPassword).WithManagementPlugin();
        var postgres = builder.AddPostgres("postgres", password: postgresPassword);
        if (options.DataVolumes)
        {
            rabbit.WithDataVolume();
            postgres.WithDataVolume();
        }

        RabbitMq = rabbit;
        RabbitMqReady = rabbit;
        foreach (var name in DatabaseNames)
        {
            var database = postgres.AddDatabase(name);
            _databases[name] = (database, database);
        }
    }

    private void AddExecutables(IDistributedApplicationBuilder builder, InfrastructureOptions options, string script,
        IResourceBuilder<ParameterResource> rabbitPassword, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var amqpPort = options.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var postgresPort = options.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rabbitUri = ReferenceExpression.Create($"amqp://platform:{rabbitPassword.Resource}@127.0.0.1:{amqpPort}/");
        var connectionStrings = DatabaseNames.ToDictionary(name => name, name =>
            ReferenceExpression.Create($"Host=127.0.0.1;Port={postgresPort};Database={name};Username=platform;Password={postgresPassword.Resource}"));

        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration("rabbitmq-ready", _ => new RabbitMqReadyCheck(rabbitUri), HealthStatus.Unhealthy, []))
            .Add(new HealthCheckRegistration("postgres-ready", _ => new PostgresReadyCheck([.. connectionStrings.Values]), HealthStatus.Unhealthy, []));

        var rabbit = builder.AddResource(new RabbitMqExecutableResource("rabbitmq", DataPath, rabbitUri))
            .WithArgs(script, "run-rabbitmq")
            .WithInfrastructureEnvironment(DataPath, options)
            .WithEnvironment("PLATFORM_INFRA_PASSWORD", rabbitPassword)
            .WithHealthCheck("rabbitmq-ready");
        var postgres = builder.AddExecutable("postgres", "bash", DataPath, [script, "run-postgres", .. DatabaseNames])
            .WithInfrastructureEnvironment(DataPath, options)
            .WithEnvironment("PLATFORM_INFRA_PASSWORD", postgresPassword)
            .WithHealthCheck("postgres-ready");

        RabbitMq = rabbit;
        RabbitMqReady = rabbit;
        foreach (var (name, connectionString) in connectionStrings)
            _databases[name] = (builder.AddConnectionString(name, connectionString), postgres);
    }
}

/// <summary>The broker as an executable that is also its own connection string (<c>ConnectionStrings:rabbitmq</c>).</summary>
public sealed class RabbitMqExecutableResource(string name, string workingDirectory, ReferenceExpression uri)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => uri;
}

internal static class InfrastructureEnvironment
{
    /// <summary>The settings <c>deploy/local/infra.sh</c> reads: its run directory and ports.</summary>
    public static IResourceBuilder<T> WithInfrastructureEnvironment<T>(this IResourceBuilder<T> executable, string dataPath, InfrastructureOptions options)
        where T : ExecutableResource
    {
        Directory.CreateDirectory(dataPath);
        return executable
            .WithEnvironment("PLATFORM_INFRA_DIR", dataPath)
            .WithEnvironment("PLATFORM_AMQP_PORT", options.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("PLATFORM_RABBITMQ_DIST_PORT", options.RabbitMqDistributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("PLATFORM_EPMD_PORT", options.EpmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("PLATFORM_PG_PORT", options.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
