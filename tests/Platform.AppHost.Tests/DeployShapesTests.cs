using System.Text.RegularExpressions;
using Platform.Operations.Tests;
using YamlDotNet.RepresentationModel;

namespace Platform.AppHost.Tests;

/// <summary>
/// deploy/compose and deploy/k8s against the AppHost's application model in container mode (read through Aspire's
/// API, not a copied list): the same services and images, the same configuration keys pointing at the same resources,
/// the same start-up order and health checks where the shape can express them.
/// </summary>
public sealed partial class DeployShapesTests
{
    private static readonly YamlMappingNode Compose = LoadYaml("deploy/compose/compose.yaml").Single();
    private static YamlMappingNode ComposeServices => (YamlMappingNode)Compose["services"];

    [Fact]
    public async Task Compose_runs_every_AppHost_service_from_its_published_image_on_its_launch_profile_port_and_the_AppHost_containers_with_their_images_and_volumes()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers);
        var platformImages = ComposeServices.Children.Where(s => Scalar(s.Value, "image").Contains("platform-", StringComparison.Ordinal))
            .Select(s => s.Key.ToString()).Order().ToList();
        Assert.True(model.Projects.Select(p => p.Name).Order().SequenceEqual(platformImages),
            $"The AppHost runs {string.Join(", ", model.Projects.Select(p => p.Name).Order())}; compose runs {string.Join(", ", platformImages)} " +
            "from platform images. A project added to the AppHost needs its service (image, port, environment) in deploy/compose/compose.yaml too.");

        foreach (var project in model.Projects)
        {
            var service = ComposeService(project.Name);
            Assert.Equal($"${{PLATFORM_IMAGE_PREFIX:-}}platform-{project.Name}:${{PLATFORM_TAG:-latest}}", Scalar(service, "image"));
            var http = project.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
            var containerPort = Scalar((YamlMappingNode)service["environment"], "ASPNETCORE_HTTP_PORTS");
            Assert.Equal([$"{http.Port}:{containerPort}"], Sequence(service, "ports"));
        }

        foreach (var container in model.Resources.OfType<ContainerResource>())
        {
            var service = ComposeService(container.Name);
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.Equal($"{image.Registry}/{image.Image}:{image.Tag}", Scalar(service, "image"));
            var volume = container.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.Volume);
            Assert.Contains(Sequence(service, "volumes"), v => v.EndsWith($"-data:{volume.Target}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Compose_gives_each_service_the_configuration_keys_the_AppHost_gives_it_pointing_at_the_same_resources()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers);
        var variables = new Dictionary<string, string>(); // the AppHost's secret parameter → compose's .env variable

        foreach (var project in model.Projects)
        {
            var ours = ConfigurationKeys(await AppModel.EnvironmentAsync(project));
            var theirs = ConfigurationKeys(ComposeEnvironment(project.Name));
            Assert.True(ours.Keys.Order().SequenceEqual(theirs.Keys.Order()),
                $"{project.Name}: only the AppHost sets {string.Join(", ", ours.Keys.Except(theirs.Keys))}; only compose sets {string.Join(", ", theirs.Keys.Except(ours.Keys))}.");

            foreach (var (key, value) in ours)
            {
                var composed = theirs[key];
                var where = $"{project.Name} {key}: AppHost '{value}', compose '{composed}'";
                switch (model.ReferencedBy(value))
                {
                    case ParameterResource secret:
                        var variable = EnvVariable().Match(composed);
                        Assert.True(variable.Success, $"{where}: a secret comes from the .env file");
                        Assert.Equal(variables.TryAdd(secret.Name, variable.Groups["name"].Value) ? variable.Groups["name"].Value : variables[secret.Name], variable.Groups["name"].Value);
                        break;
                    case PostgresDatabaseResource database:
                        Assert.True(composed.Contains($"Host={database.Parent.Name};", StringComparison.Ordinal) && composed.Contains($"Database={database.DatabaseName};", StringComparison.Ordinal), where);
                        break;
                    case RabbitMQServerResource broker:
                        Assert.True(composed.StartsWith("amqp://", StringComparison.Ordinal) && composed.Contains($"@{broker.Name}:5672/", StringComparison.Ordinal), where);
                        break;
                    case ProjectResource called:
                        Assert.True(composed == $"http://{called.Name}:{Scalar((YamlMappingNode)ComposeService(called.Name)["environment"], "ASPNETCORE_HTTP_PORTS")}", where);
                        break;
                    case null when key.EndsWith("Path", StringComparison.Ordinal):
                        // A folder: the AppHost's under its data folder on the host, compose's in the shared files volume.
                        Assert.True(value.EndsWith($"{Path.DirectorySeparatorChar}{project.Name}", StringComparison.Ordinal) && composed == $"/files/{project.Name}", where);
                        break;
                    case null:
                        Assert.True(value == composed, where);
                        break;
                    case var other:
                        Assert.Fail($"{where}: no rule for a reference to {other.GetType().Name}");
                        break;
                }
            }
        }

        Assert.Equal(variables.Count, variables.Values.Distinct().Count()); // each secret its own variable
        var example = File.ReadAllText(RepositoryFiles.PathOf("deploy/compose/.env.example"));
        Assert.All(variables.Values, v => Assert.Contains($"\n{v}=", example, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compose_starts_each_service_after_what_the_AppHost_waits_for_and_checks_health_wherever_its_images_can()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers);
        foreach (var project in model.Projects)
        {
            // Compose has no database resources: a service waits for the server that holds its database.
            var waits = AppModel.Waits(project).Keys
                .Select(name => model.Resources.Single(r => r.Name == name) is IResourceWithParent parent ? parent.Parent.Name : name)
                .Distinct().Order().ToList();
            var service = ComposeService(project.Name);
            var dependsOn = service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var node) ? (YamlMappingNode)node : new YamlMappingNode();
            var onAppHostResources = dependsOn.Children.Where(d => model.Resources.Any(r => r.Name == d.Key.ToString())).ToList();
            Assert.True(waits.SequenceEqual(onAppHostResources.Select(d => d.Key.ToString()).Order()),
                $"{project.Name}: the AppHost waits for {string.Join(", ", waits)}; compose for {string.Join(", ", onAppHostResources.Select(d => d.Key))}.");

            foreach (var (name, condition) in onAppHostResources)
            {
                // The broker and database images carry their own probe; the services' chiseled images have no shell or
                // HTTP client for one, so compose can only wait for them to start (Kubernetes probes their /health).
                var checkable = ComposeService(name.ToString()).Children.ContainsKey("healthcheck");
                Assert.Equal(checkable ? "service_healthy" : "service_started", Scalar(condition, "condition"));
                Assert.True(checkable || model.Resources.Single(r => r.Name == name.ToString()) is ProjectResource, $"{name} has no compose health check");
            }
        }

        foreach (var container in model.Resources.OfType<ContainerResource>().Where(c => c.HasAnnotationOfType<HealthCheckAnnotation>()))
            Assert.True(ComposeService(container.Name).Children.ContainsKey("healthcheck"), $"compose has no health check for {container.Name}");
    }

    [Fact]
    public async Task Kubernetes_gives_each_service_the_configuration_keys_the_AppHost_gives_it_and_probes_its_health()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers);
        // Connection strings and API keys come from the platform-secrets Secret (secret.example.yaml shows its keys);
        // production keys are hashes (Auth:Keys:<id>:Hash), which stand for the AppHost's plain keys.
        var secret = (YamlMappingNode)LoadYaml("deploy/k8s/secret.example.yaml").Single()["stringData"];
        var secretKeys = secret.Children.ToDictionary(s => HashAsKey(s.Key.ToString()), s => s.Value.ToString());

        foreach (var project in model.Projects)
        {
            var deployment = LoadYaml($"deploy/k8s/{project.Name}.yaml").Single(d => Scalar(d, "kind") == "Deployment");
            var container = (YamlMappingNode)((YamlSequenceNode)deployment["spec"]["template"]["spec"]["containers"]).Children.Single();
            Assert.Equal("platform-secrets", container["envFrom"][0]["secretRef"]["name"].ToString());
            var environment = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));

            foreach (var (key, value) in ConfigurationKeys(await AppModel.EnvironmentAsync(project)))
            {
                // Kubernetes Services answer at http://<name>, the services' default addresses: no discovery entries needed.
                if (key.StartsWith("services__", StringComparison.Ordinal)) continue;
                Assert.True(environment.ContainsKey(key) || secretKeys.ContainsKey(key), $"{project.Name}: Kubernetes does not set {key}");
                if (model.ReferencedBy(value) is null && !key.EndsWith("Path", StringComparison.Ordinal))
                    Assert.Equal(value, environment.TryGetValue(key, out var literal) ? literal : secretKeys[key]);
            }

            Assert.Equal("/health", container["readinessProbe"]["httpGet"]["path"].ToString());
            Assert.True(project.HasAnnotationOfType<HealthCheckAnnotation>());
        }
    }

    /// <summary>Hierarchical .NET configuration keys (<c>Section__Key</c>); single-segment variables such as OTEL_* or ASPNETCORE_* are each host's own.</summary>
    private static Dictionary<string, string> ConfigurationKeys(IReadOnlyDictionary<string, string> environment) =>
        environment.Where(e => e.Key.Contains("__", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value);

    private static string HashAsKey(string key) => key.StartsWith("Auth__Keys__", StringComparison.Ordinal) && key.EndsWith("__Hash", StringComparison.Ordinal) ? key[..^"Hash".Length] + "Key" : key;

    private static YamlMappingNode ComposeService(string name) =>
        ComposeServices.Children.TryGetValue(new YamlScalarNode(name), out var service) ? (YamlMappingNode)service : throw new Xunit.Sdk.XunitException($"compose has no service {name}");

    private static Dictionary<string, string> ComposeEnvironment(string name) =>
        ((YamlMappingNode)ComposeService(name)["environment"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());

    private static string Scalar(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) ? value.ToString() : "";

    private static List<string> Sequence(YamlNode node, string key) => [.. ((YamlSequenceNode)node[key]).Select(n => n.ToString())];

    private static List<YamlMappingNode> LoadYaml(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(RepositoryFiles.Read(relative)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    /// <summary><c>${NAME}</c>, <c>${NAME:?message}</c> or <c>${NAME:-default}</c>: a value from the .env file.</summary>
    [GeneratedRegex(@"^\$\{(?<name>[A-Z][A-Z0-9_]*)(:[?-][^}]*)?\}$")]
    private static partial Regex EnvVariable();
}
