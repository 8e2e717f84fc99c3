namespace Platform.AppHost;

public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, executables otherwise.</summary>
    Auto,
    Containers,
    Executables,
}

/// <summary>
/// How the AppHost runs RabbitMQ and PostgreSQL (<c>Platform:Infrastructure</c> in appsettings.json, or e.g.
/// <c>--Platform:Infrastructure:Mode=Executables</c>). The ports are those of the executables; they differ from
/// <c>deploy/local/infra.sh</c>'s defaults so that the AppHost and the test command's servers can run side by side.
/// </summary>
public sealed class InfrastructureOptions
{
    public const string Section = "Platform:Infrastructure";

    public InfrastructureMode Mode { get; set; } = InfrastructureMode.Auto;

    /// <summary>
    /// Where the executables keep their data and the services their files; relative to the repository root. The
    /// <c>postgres</c> user must be able to reach it (not under a private home directory).
    /// </summary>
    public string DataPath { get; set; } = ".platform/apphost";

    /// <summary>Containers keep their data in named volumes (off for throw-away runs such as the AppHost test).</summary>
    public bool DataVolumes { get; set; } = true;

    public int AmqpPort { get; set; } = 5692;
    public int RabbitMqDistributionPort { get; set; } = 25692;
    public int EpmdPort { get; set; } = 4392;
    public int PostgresPort { get; set; } = 5452;

    /// <summary>Seconds a container runtime gets to answer <c>info</c> before the AppHost falls back to executables.</summary>
    public int RuntimeProbeSeconds { get; set; } = 10;
}
