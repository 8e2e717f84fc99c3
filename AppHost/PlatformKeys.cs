namespace Platform.AppHost;

/// <summary>
/// The API keys the services accept, as secret parameters (generated on the first run, kept in the AppHost's user
/// secrets, shown in the dashboard's parameters), in the shape <c>Auth:Keys:&lt;id&gt;:Key</c> and
/// <c>Auth:Keys:&lt;id&gt;:Roles</c>. The service key is what the services send each other (<c>Platform:ServiceKey</c>).
/// </summary>
public sealed class PlatformKeys
{
    private readonly List<(string Id, string Roles, IResourceBuilder<ParameterResource> Key)> _keys = [];

    private PlatformKeys() { }

    public IResourceBuilder<ParameterResource> ServiceKey { get; private set; } = null!;

    public static PlatformKeys Add(IDistributedApplicationBuilder builder)
    {
        var keys = new PlatformKeys();
        keys.Add(builder, "producer", "producer,reader");
        keys.Add(builder, "consumer", "consumer,labeler,reader");
        keys.Add(builder, "labeler", "labeler,reader"); // a labelling tool: ground truth for predictions, nothing else
        keys.Add(builder, "operator", "producer,consumer,labeler,reader,operator");
        keys.ServiceKey = keys.Add(builder, "service", "reader,operator,producer");
        return keys;
    }

    public IResourceBuilder<ProjectResource> ConfigureOn(IResourceBuilder<ProjectResource> project)
    {
        foreach (var (id, roles, key) in _keys)
        {
            project.WithEnvironment($"Auth__Keys__{id}__Key", key);
            project.WithEnvironment($"Auth__Keys__{id}__Roles", roles);
        }

        return project.WithEnvironment("Platform__ServiceKey", ServiceKey);
    }

    private IResourceBuilder<ParameterResource> Add(IDistributedApplicationBuilder builder, string id, string roles)
    {
        var key = builder.AddParameter($"{id}-key", PlatformInfrastructure.Secret(), secret: true, persist: true);
        _keys.Add((id, roles, key));
        return key;
    }
}
