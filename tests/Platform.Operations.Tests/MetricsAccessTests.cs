using Platform.ServiceDefaults;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Tests;

namespace Platform.Operations.Tests;

/// <summary><c>Metrics:Prometheus</c> switches on a host composed with the service defaults: a required role, or no endpoint at all.</summary>
public sealed class MetricsAccessTests
{
    private const string OperatorKey = "metrics-reader-key";
    private const string ConsumerKey = "metrics-consumer-key";

    [Fact]
    public async Task With_a_required_role_metrics_need_a_key_with_that_role()
    {
        await using var app = await StartAsync(new() { ["Metrics:Prometheus:RequiredRole"] = "operator" });
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(http, ConsumerKey)).StatusCode);
        using var allowed = await Get(http, OperatorKey);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("# TYPE", await allowed.Content.ReadAsStringAsync());
        // The probes stay open: the kubelet sends no key.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("alive")).StatusCode);
    }

    [Fact]
    public async Task Disabled_metrics_are_not_served_at_all()
    {
        await using var app = await StartAsync(new() { ["Metrics:Prometheus:Enabled"] = "false" });
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Assert.Equal(HttpStatusCode.NotFound, (await Get(http, OperatorKey)).StatusCode);
    }

    private static async Task<HttpResponseMessage> Get(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPorts.Free()}");
        settings[$"Auth:Keys:{OperatorKey}"] = "operator";
        settings[$"Auth:Keys:{ConsumerKey}"] = "consumer";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }
}
