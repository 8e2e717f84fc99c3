using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.AppHost.Tests;

/// <summary>
/// The AppHost's application model as <c>dotnet run --project AppHost</c> builds it (its <c>Program</c> runs up to
/// <c>Build</c> through Aspire's testing builder), without starting anything: resources and their annotations, read
/// through Aspire's own API. Secrets are given as parameters, so nothing is generated or written to user secrets.
/// </summary>
public sealed partial class AppModel : IAsyncDisposable
{
    private readonly IDistributedApplicationTestingBuilder _builder;

    private AppModel(IDistributedApplicationTestingBuilder builder, string dataPath)
    {
        _builder = builder;
        DataPath = dataPath;
    }

    /// <summary>The data folder given to the AppHost (<c>Platform:Infrastructure:DataPath</c>).</summary>
    public string DataPath { get; }

    public IResourceCollection Resources => _builder.Resources;

    public IEnumerable<ProjectResource> Projects => Resources.OfType<ProjectResource>();

    public static async Task<AppModel> CreateAsync(InfrastructureMode mode, params string[] settings)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-appmodel-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            $"--Platform:Infrastructure:Mode={mode}",
            $"--Platform:Infrastructure:DataPath={dataPath}",
            .. new[] { "rabbitmq-password", "postgres-password", "producer-key", "consumer-key", "labeler-key", "operator-key", "service-key" }
                .Select(name => $"--Parameters:{name}=not-a-secret-{name}"),
            .. settings,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(args);
        return new AppModel(builder, dataPath);
    }

    public T Single<T>(string name) where T : IResource
    {
        var resource = Resources.Single(r => r.Name == name);
        return Assert.IsAssignableFrom<T>(resource);
    }

    /// <summary>What the resource waits for before it starts (<c>WaitFor</c>), by name, with how.</summary>
    public static Dictionary<string, WaitType> Waits(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().ToDictionary(w => w.Resource.Name, w => w.WaitType);

    /// <summary>The resources it references (<c>WithReference</c>), by name; parameters (its secrets) left out.</summary>
    public static HashSet<string> References(IResource resource) =>
        [.. resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference" && r.Resource is not ParameterResource).Select(r => r.Resource.Name)];

    /// <summary>
    /// The environment as a publisher writes it: literals as they are, references as expressions such as
    /// <c>{rabbitmq.connectionString}</c>, <c>{registry.bindings.http.url}</c> or <c>{producer-key.value}</c>.
    /// </summary>
    public static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource) =>
        (await ConfigurationAsync(resource)).EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value);

    /// <summary>The command-line arguments, in the same form as <see cref="EnvironmentAsync"/>.</summary>
    public static async Task<List<string>> ArgumentsAsync(IResource resource) =>
        [.. (await ConfigurationAsync(resource)).Arguments.Select(a => a.Value)];

    private static async Task<IExecutionConfigurationResult> ConfigurationAsync(IResource resource)
    {
        var result = await ExecutionConfigurationBuilder.Create(resource).WithEnvironmentVariablesConfig().WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        return result.Exception is null ? result : throw new InvalidOperationException($"The configuration of {resource.Name} did not resolve.", result.Exception);
    }

    /// <summary>The resource a published value refers to (the first <c>{name.…}</c> expression in it), or null for a literal.</summary>
    public IResource? ReferencedBy(string value) =>
        ExpressionReference().Match(value) is { Success: true } match ? Resources.Single(r => r.Name == match.Groups["name"].Value) : null;

    public async ValueTask DisposeAsync()
    {
        await _builder.DisposeAsync();
        if (Directory.Exists(DataPath)) Directory.Delete(DataPath, recursive: true);
    }

    [GeneratedRegex(@"\{(?<name>[a-z0-9-]+)\.")]
    private static partial Regex ExpressionReference();
}

/// <summary>The documented topology: each service's database and the services it calls (README, "the Aspire AppHost").</summary>
public static class Topology
{
    public static readonly IReadOnlyDictionary<string, (string? Database, string[] Calls)> Services = new Dictionary<string, (string?, string[])>
    {
        ["ingestion"] = ("ingestiondb", []),
        ["training"] = ("trainingdb", ["ingestion", "registry"]),
        ["registry"] = ("registrydb", ["training"]),
        ["inference"] = (null, ["registry"]),
        ["monitoring"] = ("monitoringdb", ["ingestion", "registry"]),
    };

    /// <summary>The model's projects that are platform services with a database of their own.</summary>
    public static IEnumerable<ProjectResource> StatefulServices(AppModel model) =>
        model.Projects.Where(p => Services.TryGetValue(p.Name, out var service) && service.Database is not null);
}
