using Microsoft.Extensions.Configuration.Memory;

namespace Platform.Standalone;

/// <summary>
/// The embedded default: SQLite files and the in-memory bus, and every service-discovery name pointing back at this
/// process. These are defaults only: configuration (appsettings, environment, command line) still wins.
/// </summary>
public static class StandaloneDefaults
{
    /// <summary>Where the development API key is kept, under the data path (<c>.platform/dev-api-key</c>).</summary>
    public const string DevKeyFile = "dev-api-key";

    /// <summary>
    /// Applies the defaults. Returns the development API key when one is in use: with no <c>Auth:Keys</c>
    /// configured (and <c>Standalone:GenerateApiKey</c> not false) a random key with every role is generated once,
    /// kept in <c>.platform/dev-api-key</c> so that it survives restarts and scripts can read it, and printed at
    /// start-up. So even the local default never serves predictions to anyone without a key.
    /// </summary>
    public static string? Apply(ConfigurationManager configuration)
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
            ["Inference:LogSpoolPath"] = Path.Combine(dataPath, "inference", "spool"),
        };
        // One console line per request (RequestLogLine) in place of the framework's, which LogDefaults silences. Each
        // entry on one line.
        defaults["Logging:Console:FormatterName"] = "simple";
        defaults["Logging:Console:FormatterOptions:SingleLine"] = "true";
        foreach (var database in new[] { "ingestion", "training", "registry", "monitoring" })
            defaults[$"ConnectionStrings:{database}db"] = $"Data Source={Path.Combine(dataPath, database + ".db")}";
        foreach (var service in new[] { "ingestion", "training", "registry", "inference", "monitoring" })
            defaults[$"Services:{service}:http:0"] = url;

        string? devKey = null;
        if (!configuration.GetSection("Auth:Keys").GetChildren().Any() && configuration.GetValue("Standalone:GenerateApiKey", true))
        {
            devKey = DevKey(dataPath);
            defaults["Auth:Keys:dev:Key"] = devKey;
            defaults["Auth:Keys:dev:Roles"] = string.Join(',', ApiKeys.AllRoles);
        }

        // The modules call each other over HTTP (Training reads dataset contents, the Registry artifacts): unless a
        // service key is configured, they use one made for this process, never written anywhere. Producer: Monitoring
        // submits labelled live rows to Ingestion on the bus with it.
        if (string.IsNullOrEmpty(configuration["Platform:ServiceKey"]))
        {
            var serviceKey = "svc-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            defaults["Platform:ServiceKey"] = serviceKey;
            defaults["Auth:Keys:standalone-services:Key"] = serviceKey;
            defaults["Auth:Keys:standalone-services:Roles"] = $"{ApiKeys.Reader},{ApiKeys.Operator},{ApiKeys.Producer}";
        }

        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
        return devKey;
    }

    private static string DevKey(string dataPath)
    {
        var path = Path.Combine(dataPath, DevKeyFile);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 16 } existing) return existing;
        // Before the services set their file mask: the folder holding every service's data is the owner's alone.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dataPath);
        else Directory.CreateDirectory(dataPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = "dev-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(path, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
