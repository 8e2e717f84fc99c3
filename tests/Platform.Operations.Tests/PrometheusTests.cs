using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Operations.Tests;

/// <summary>
/// The repository's Prometheus, alerting and Grafana files against the real thing: promtool and amtool check them, and
/// Debian's Prometheus scrapes the embedded default with deploy/prometheus/prometheus.local.yml and evaluates every alert
/// rule and every dashboard query.
/// </summary>
[Collection(EmbeddedPlatformCollection.Name)]
public sealed partial class PrometheusTests(EmbeddedPlatform platform)
{
    private const string Rules = "deploy/prometheus/alerts.yml";
    private const string Dashboard = "deploy/grafana/dashboards/platform.json";

    [Theory]
    [InlineData("check", "rules", Rules)]
    [InlineData("check", "config", "deploy/prometheus/prometheus.compose.yml")]
    [InlineData("check", "config", "deploy/prometheus/prometheus.local.yml")]
    // prometheus.k8s.yml is only parsed (DeployFilesTests): Debian builds Prometheus without Kubernetes discovery.
    public async Task Promtool_accepts_the_file(params string[] arguments)
    {
        var (exitCode, output) = await Tool.RunAsync("/usr/bin/promtool", arguments);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task Amtool_accepts_the_alertmanager_config_with_its_webhook_receivers()
    {
        var (exitCode, output) = await Tool.RunAsync("/usr/bin/amtool", "check-config", "deploy/alertmanager/alertmanager.yml");
        Assert.True(exitCode == 0, output);
        Assert.Contains("2 receivers", output);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_embedded_default_and_evaluates_every_alert_rule_and_dashboard_query_on_exported_metrics()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-prometheus-" + Guid.NewGuid().ToString("N"))).FullName;
        File.Copy(RepositoryFiles.PathOf(Rules), Path.Combine(folder, "alerts.yml"));
        var config = RepositoryFiles.Read("deploy/prometheus/prometheus.local.yml");
        foreach (var (from, to) in new[] { ("localhost:5000", platform.Standalone.BaseAddress.Authority), ("scrape_interval: 15s", "scrape_interval: 1s"), ("evaluation_interval: 15s", "evaluation_interval: 1s") })
        {
            Assert.Contains(from, config);
            config = config.Replace(from, to, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), config);
        await using var prometheus = await PrometheusServer.StartAsync(folder);

        await prometheus.UntilAsync(async () => Results(await prometheus.QueryAsync("platform_monitoring_feature_drift_score")).Count > 0,
            TimeSpan.FromSeconds(60), "the embedded default's drift metrics to be scraped");
        var target = (await prometheus.GetAsync("api/v1/targets"))["data"]!["activeTargets"]!.AsArray().Single()!;
        Assert.Equal("up", (string?)target["health"]);
        Assert.Equal("platform", (string?)target["labels"]!["job"]);

        // Every rule evaluated at least twice after the first scrape (1 s interval), none with an error.
        var scraped = DateTimeOffset.UtcNow;
        await prometheus.UntilAsync(async () => RulesOf(await prometheus.GetAsync("api/v1/rules")).All(r => (DateTimeOffset)r["lastEvaluation"]! > scraped.AddSeconds(1)),
            TimeSpan.FromSeconds(30), "every rule to be evaluated");
        var rules = RulesOf(await prometheus.GetAsync("api/v1/rules"));
        Assert.Equal(AlertExpressions().Count, rules.Count);
        Assert.All(rules, r => Assert.True((string?)r["health"] == "ok", $"{r["name"]}: {r["lastError"]}"));

        var queries = AlertExpressions().Concat(DashboardQueries()).ToList();
        foreach (var (name, expression) in queries)
        {
            var answer = await prometheus.QueryAsync(expression);
            Assert.True((string?)answer["status"] == "success", $"{name}: {expression}\n{answer["errorType"]}: {answer["error"]}");
        }

        // Evaluating without error is not enough (an unknown name is just empty): each name read is one Prometheus scraped,
        // or one our code, MassTransit or RabbitMQ's plugin declares (counters that only appear once something happened).
        var names = (await prometheus.GetAsync("api/v1/label/__name__/values"))["data"]!.AsArray().Select(n => (string)n!).ToHashSet();
        var declared = DeclaredPlatformInstruments();
        var massTransit = MassTransitInstruments();
        foreach (var (name, expression) in queries)
        foreach (var metric in PromQl.MetricNames(expression))
        {
            var known = names.Contains(metric) || metric == "up" || metric.StartsWith("rabbitmq_", StringComparison.Ordinal)
                || (metric.StartsWith("platform_", StringComparison.Ordinal) && declared.Contains(BaseName(metric)))
                || (metric.StartsWith("messaging_masstransit_", StringComparison.Ordinal) && massTransit.Contains(BaseName(metric)));
            Assert.True(known, $"{name} reads '{metric}', which no service exports: {expression}");
        }

        // The metrics the serving and drift panels are about are really there, not only declared.
        foreach (var metric in new[] { "platform_inference_request_duration_milliseconds_bucket", "platform_inference_rows_total", "platform_monitoring_feature_drift_score",
                     "platform_monitoring_drifted_share", "platform_training_runs_total", "platform_outbox_oldest_age_seconds", "platform_health_status", "messaging_masstransit_receive_ea_total" })
            Assert.Contains(metric, names);
    }

    private static JsonArray Results(JsonObject answer) => answer["data"]?["result"]?.AsArray() ?? [];

    private static List<JsonNode> RulesOf(JsonObject answer) =>
        answer["data"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!).ToList();

    /// <summary>Every rule's <c>expr</c> in deploy/prometheus/alerts.yml.</summary>
    private static List<(string Name, string Expression)> AlertExpressions()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(RepositoryFiles.Read(Rules)));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        return groups.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Select(r => (Name: "alert " + r["alert"], Expression: ((YamlScalarNode)r["expr"]).Value!))
            .ToList();
    }

    /// <summary>Every panel target, annotation and variable query of the dashboard, Grafana's variables replaced as it would.</summary>
    private static List<(string Name, string Expression)> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Read(Dashboard))!;
        var queries = dashboard["panels"]!.AsArray()
            .SelectMany(p => (p!["targets"]?.AsArray() ?? []).Select(t => (Name: $"panel '{p["title"]}' {t!["refId"]}", Expression: (string)t["expr"]!)))
            .ToList();
        queries.AddRange(dashboard["annotations"]!["list"]!.AsArray().Select(a => ($"annotation '{a!["name"]}'", (string)a["expr"]!)));
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            var match = LabelValues().Match((string)variable!["definition"]!);
            Assert.True(match.Success, $"variable {variable["name"]}: expected label_values(metric, label)");
            queries.Add(($"variable {variable["name"]}", match.Groups[1].Value));
        }

        Assert.True(queries.Count >= 25, $"only {queries.Count} dashboard queries found");
        return queries.Select(q => (q.Item1, q.Item2.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$model", ".*", StringComparison.Ordinal))).ToList();
    }

    /// <summary>OpenTelemetry's Prometheus name without the exporter's suffixes: _total, _bucket/_sum/_count, the unit.</summary>
    private static string BaseName(string metric)
    {
        foreach (var suffix in new[] { "_total", "_bucket", "_sum", "_count" })
            if (metric.EndsWith(suffix, StringComparison.Ordinal)) metric = metric[..^suffix.Length];
        foreach (var unit in new[] { "_milliseconds", "_seconds", "_ea" })
            if (metric.EndsWith(unit, StringComparison.Ordinal)) return metric[..^unit.Length];
        return metric;
    }

    /// <summary>The names the platform's code gives its instruments ("platform.x.y" in services/ and ServiceDefaults/), as Prometheus names.</summary>
    private static HashSet<string> DeclaredPlatformInstruments() =>
        RepositoryFiles.Under("services", ".cs").Concat(RepositoryFiles.Under("ServiceDefaults", ".cs"))
            .SelectMany(file => InstrumentName().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value.Replace('.', '_')))
            .ToHashSet();

    /// <summary>MassTransit's instrument names, read from its assembly (UTF-16 string literals).</summary>
    private static HashSet<string> MassTransitInstruments()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "MassTransit.dll"));
        // A literal may start at an odd or an even offset: decode both ways.
        return new[] { Encoding.Unicode.GetString(bytes), Encoding.Unicode.GetString(bytes, 1, bytes.Length - 1) }
            .SelectMany(text => MassTransitName().Matches(text).Select(m => m.Value.Replace('.', '_')))
            .ToHashSet();
    }

    [GeneratedRegex(@"(?:Create\w*(?:Counter|Histogram|Gauge)(?:<\w+>)?\(\s*|AddView\()""(platform\.[a-z0-9_.]+)""")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"messaging\.masstransit\.[a-z_.]+")]
    private static partial Regex MassTransitName();

    [GeneratedRegex(@"^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*\w+\s*\)$")]
    private static partial Regex LabelValues();
}
