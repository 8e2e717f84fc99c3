using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Operations.Tests;

/// <summary>The deployment files: they parse, compose mirrors the AppHost, kustomize renders the published images, probes and scaling.</summary>
public sealed partial class DeployFilesTests
{
    private static readonly string[] Services = ["ingestion", "training", "registry", "inference", "monitoring", "console"];

    /// <summary>The services on the bus (the console has none): their queues are quorum queues in the cluster.</summary>
    private static readonly string[] BusServices = ["ingestion", "training", "registry", "inference", "monitoring"];

    [Fact]
    public void Every_yaml_and_json_file_under_deploy_and_github_parses()
    {
        var yaml = RepositoryFiles.Under("deploy", ".yml", ".yaml").Concat(RepositoryFiles.Under(".github", ".yml", ".yaml")).ToList();
        var json = RepositoryFiles.Under("deploy", ".json").Concat(RepositoryFiles.Under(".github", ".json")).ToList();
        Assert.True(yaml.Count >= 20, $"only {yaml.Count} YAML files found");
        Assert.True(json.Count >= 2, $"only {json.Count} JSON files found");

        foreach (var file in yaml)
        {
            var stream = new YamlStream();
            var exception = Record.Exception(() => stream.Load(new StringReader(File.ReadAllText(file))));
            Assert.True(exception is null, $"{file}: {exception?.Message}");
            Assert.NotEmpty(stream.Documents);
        }

        foreach (var file in json)
        {
            var exception = Record.Exception(() => JsonDocument.Parse(File.ReadAllText(file)).Dispose());
            Assert.True(exception is null, $"{file}: {exception?.Message}");
        }
    }

    [Fact]
    public async Task Kustomize_renders_every_deployment_with_the_overridden_image_of_its_published_container_repository()
    {
        var (exitCode, output) = await Tool.RunAsync("/usr/bin/kubectl", "kustomize", "deploy/k8s");
        Assert.True(exitCode == 0, output);
        var documents = new YamlStream();
        documents.Load(new StringReader(output));
        var resources = documents.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        var deployments = resources.Where(r => r["kind"].ToString() == "Deployment").ToDictionary(r => r["metadata"]["name"].ToString());
        Assert.Equal(Services.Order(), deployments.Keys.Order());

        foreach (var service in Services)
        {
            var repository = await MsBuildPropertyAsync($"services/{char.ToUpperInvariant(service[0])}{service[1..]}", "ContainerRepository");
            Assert.Equal($"platform-{service}", repository);
            var template = (YamlMappingNode)deployments[service]["spec"]["template"];
            var container = (YamlMappingNode)((YamlSequenceNode)template["spec"]["containers"])[0];
            Assert.Equal($"ghcr.io/OWNER/{repository}:latest", container["image"].ToString());
            // Start-up (migrations, model loading) gets its own probe; Prometheus finds the pod by its annotations.
            Assert.Equal("/alive", container["startupProbe"]["httpGet"]["path"].ToString());
            Assert.True(int.Parse(container["startupProbe"]["failureThreshold"].ToString(), System.Globalization.CultureInfo.InvariantCulture) * 5 >= 120);
            Assert.Equal("/metrics", template["metadata"]["annotations"]["prometheus.io/path"].ToString());
            var environment = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString(), e => e["value"].ToString());
            if (BusServices.Contains(service)) Assert.Equal("true", environment["Messaging__QuorumQueues"]);
        }

        var hpa = Assert.Single(resources, r => r["kind"].ToString() == "HorizontalPodAutoscaler");
        Assert.Equal("inference", hpa["spec"]["scaleTargetRef"]["name"].ToString());
        var pdb = Assert.Single(resources, r => r["kind"].ToString() == "PodDisruptionBudget");
        Assert.Equal("inference", pdb["spec"]["selector"]["matchLabels"]["app"].ToString());
        Assert.True(int.Parse(pdb["spec"]["minAvailable"].ToString(), System.Globalization.CultureInfo.InvariantCulture) <
                    int.Parse(hpa["spec"]["minReplicas"].ToString(), System.Globalization.CultureInfo.InvariantCulture), "a PDB at minReplicas would block every drain");
    }

    [Fact]
    public async Task Container_images_run_as_non_root_on_chiseled_bases_except_training_which_needs_libgomp()
    {
        foreach (var service in Services)
        {
            var project = $"services/{char.ToUpperInvariant(service[0])}{service[1..]}";
            var baseImage = await MsBuildPropertyAsync(project, "ContainerBaseImage");
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", baseImage);
            if (service == "training") Assert.DoesNotContain("chiseled", baseImage);
            else Assert.Contains("chiseled", baseImage);
            Assert.Equal("app", await MsBuildPropertyAsync(project, "ContainerUser"));
        }
    }

    [Fact]
    public void Ci_runs_the_test_command_and_the_quality_gate_and_pushes_images_and_deploys_only_after_them()
    {
        var jobs = (YamlMappingNode)Yaml(".github/workflows/ci.yml")["jobs"];
        string Runs(string job) => string.Join("\n", ((YamlSequenceNode)jobs[job]["steps"]).Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey("run")).Select(s => s["run"].ToString()));
        IEnumerable<string> Needs(string job) => ((YamlSequenceNode)jobs[job]["needs"]).Select(n => n.ToString());

        Assert.Contains("bash deploy/local/test.sh", Runs("test"));
        Assert.Contains("deploy/quality/gate.py", Runs("quality-gate"));
        Assert.Contains("tests/Platform.AppHost.Tests", Runs("apphost-test"));
        Assert.Contains("-t:PublishContainer", Runs("images"));
        Assert.Equal(["apphost-test", "quality-gate", "test"], Needs("images").Order());
        Assert.Contains("refs/heads/main", jobs["images"]["if"].ToString());
        Assert.Equal(["images"], Needs("deploy"));
        Assert.Equal("./.github/workflows/deploy.yml", jobs["deploy"]["uses"].ToString());
        Assert.Contains("kubectl apply -k deploy/k8s", RepositoryFiles.Read(".github/workflows/deploy.yml"));
    }

    [Fact]
    public async Task Quality_gate_passes_a_metric_within_its_threshold_and_fails_the_run_on_one_outside()
    {
        var cli = RepositoryFiles.PathOf("tools/Platform.Cli/bin/Release/net10.0/platform.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: build tools/Platform.Cli -c Release (deploy/local/test.sh builds it).");
        var repository = JsonNode.Parse(RepositoryFiles.Read("deploy/quality/thresholds.json"))!["datasets"]!.AsArray();
        var iris = repository.Single(d => (string?)d!["name"] == "iris")!.DeepClone();
        iris["max"] = new JsonObject { ["log_loss"] = 0.0 }; // no model reaches a log-loss of 0
        var thresholds = Path.Combine(Path.GetTempPath(), $"thresholds-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(thresholds, new JsonObject { ["datasets"] = new JsonArray(iris) }.ToJsonString());
        try
        {
            var (exitCode, output) = await Tool.RunAsync("/usr/bin/python3", "deploy/quality/gate.py", "--thresholds", thresholds,
                "--data", Path.GetDirectoryName(Platform.Tests.SharedData.PathOf("iris.csv"))!, "--cli", $"dotnet {cli}");
            Assert.True(exitCode == 1, output);
            Assert.Matches(@"ok +iris: macro_accuracy = \d\.\d{4}", output);
            Assert.Matches(@"FAIL iris: log_loss = 0\.\d+ .*required <= 0", output);
            Assert.Contains("1 failure(s)", output);
        }
        finally
        {
            File.Delete(thresholds);
        }
    }

    private static async Task<string> MsBuildPropertyAsync(string project, string property)
    {
        var (exitCode, output) = await Tool.RunAsync("/usr/bin/env", "dotnet", "msbuild", project, $"-getProperty:{property}", "-p:Configuration=Release");
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }

    private static int LaunchProfilePort(string service)
    {
        var settings = JsonNode.Parse(RepositoryFiles.Read($"services/{char.ToUpperInvariant(service[0])}{service[1..]}/Properties/launchSettings.json"))!;
        var url = settings["profiles"]!.AsObject().Select(p => (string?)p.Value!["applicationUrl"]).First(u => u is not null)!;
        return new Uri(url.Split(';')[0]).Port;
    }

    private static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(RepositoryFiles.Read(relative)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
