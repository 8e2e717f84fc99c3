using Microsoft.Extensions.Configuration.Memory;

namespace Platform.Standalone;

/// <summary>
/// The embedded default: SQLite files and the in-memory bus, and every service-discovery name pointing back at this
/// process. These are defaults only: configuration (appsettings, environment, command line) still wins.
/// </summary>
public static class StandaloneDefaults
{
    public static void Apply(ConfigurationManager configuration)
    {
        var dataPath = Path.GetFullPath(configuration["Standalone:DataPath"] ?? ".platform");
        var url = (configuration["urls"] ?? "http://localhost:5000").Split(';')[0]
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);

        var defaults = new Dictionary<string, string?>
        {
            ["urls"] = url,
            ["Messaging:Transport"] = "InMemory",
            ["Database:Provider"] = "Sqlite",
            ["Ingestion:StoragePath"] = Path.Combine(dataPath, "ingestion"),
            ["Training:ArtifactsPath"] = Path.Combine(dataPath, "training"),
            ["Registry:ArtifactsPath"] = Path.Combine(dataPath, "registry"),
        };
        foreach (var database in new[] { "ingestion", "training", "registry", "monitoring" })
            defaults[$"ConnectionStrings:{database}db"] = $"Data Source={Path.Combine(dataPath, database + ".db")}";
        foreach (var service in new[] { "ingestion", "training", "registry", "inference", "monitoring" })
            defaults[$"Services:{service}:http:0"] = url;

        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
    }
}
