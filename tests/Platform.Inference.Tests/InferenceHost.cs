using Platform.ServiceDefaults;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Inference.Serving;

using Platform.Tests;

namespace Platform.Inference.Tests;

/// <summary>
/// The Inference module on a loopback port, composed as its Program.cs does, with MassTransit's in-memory test
/// harness as the bus and a small fake Registry in the same host (production list, versions, artifacts), so that
/// start-up loading, promotions and pinned versions run their real code paths over HTTP.
/// </summary>
public sealed class InferenceHost : IAsyncLifetime
{
    public const string ConsumerKey = "test-consumer-key";
    public const string ProducerKey = "test-producer-key";
    public const string ServiceKey = "test-service-key";
    public static readonly DateTimeOffset FirstPromotion = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private WebApplication? _app;

    /// <summary>Artifacts the fake Registry holds, by model and version.</summary>
    public ConcurrentDictionary<(string Model, int Version), byte[]> Artifacts { get; } = new();

    /// <summary>What the fake Registry lists as production (a test may move it without publishing an event).</summary>
    public ConcurrentDictionary<string, (int Version, DateTimeOffset PromotedAt)> Production { get; } = new(StringComparer.Ordinal)
    {
        ["iris"] = (1, FirstPromotion),
        ["diabetes"] = (1, FirstPromotion),
    };

    public Uri Url { get; } = new($"http://127.0.0.1:{LoopbackPorts.Free()}/");

    /// <summary>This host's prediction-log spool: every host its own (a folder is locked by the one process using it).</summary>
    public string SpoolPath { get; } = Path.Combine(Path.GetTempPath(), "platform-inference-spool-" + Guid.NewGuid().ToString("N"));

    public IServiceProvider Services => _app!.Services;
    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();
    public ModelCatalog Catalog => Services.GetRequiredService<ModelCatalog>();

    public HttpClient Client(string? key = ConsumerKey)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task InitializeAsync()
    {
        Artifacts[("iris", 1)] = TrainedModels.Iris;
        Artifacts[("iris", 2)] = TrainedModels.IrisOther;
        Artifacts[("iris", 3)] = "not an onnx model"u8.ToArray();
        Artifacts[("diabetes", 1)] = TrainedModels.DiabetesRegressor;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Platform.Inference", EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:RegistryUrl"] = new Uri(Url, "registry/").ToString(),
            ["Inference:MaxBatchRows"] = "100",
            ["Inference:LogSpoolPath"] = SpoolPath,
            ["Auth:Keys:consumer:Key"] = ConsumerKey,
            ["Auth:Keys:consumer:Roles"] = "consumer",
            ["Auth:Keys:producer:Key"] = ProducerKey,
            ["Auth:Keys:producer:Roles"] = "producer",
            // The fake Registry in this host is read with the service key, from an address the configuration trusts.
            ["Auth:Keys:service:Key"] = ServiceKey,
            ["Auth:Keys:service:Roles"] = "reader,operator",
            ["Platform:ServiceKey"] = ServiceKey,
            ["Platform:TrustedOrigins:0"] = Url.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls(Url.ToString());
        builder.AddServiceDefaults();
        builder.AddInference();
        builder.Services.AddMassTransitTestHarness(bus => bus.AddInferenceConsumers());

        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.UseStatusCodePages();
        MapFakeRegistry(_app);
        _app.MapInference();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Catalog.Current("iris") is null || Catalog.Current("diabetes") is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The production models were not loaded at start-up.");
            await Task.Delay(50);
        }
    }

    /// <summary>Publishes a promotion of <paramref name="version"/> as the Registry would.</summary>
    public Task PromoteAsync(string model, int version, DateTimeOffset at) =>
        Harness.Bus.Publish(new ModelPromoted(model, version, null, Guid.NewGuid(), "multiclass", [], ArtifactUri(model, version), Sha(model, version),
            model, 1, new Uri(Url, "unused"), "macro_accuracy", 0.9, "test", at));

    public Uri ArtifactUri(string model, int version) => new(Url, $"registry/artifacts/{model}/{version}");

    public string Sha(string model, int version) => Convert.ToHexStringLower(SHA256.HashData(Artifacts[(model, version)]));

    private void MapFakeRegistry(WebApplication app)
    {
        app.MapGet("/registry/models", () => Results.Json(Production.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new
        {
            name = p.Key,
            productionVersion = p.Value.Version,
            versions = new[] { new { version = p.Value.Version, artifactUri = ArtifactUri(p.Key, p.Value.Version), artifactSha256 = Sha(p.Key, p.Value.Version), promotedAt = p.Value.PromotedAt } },
        })));
        app.MapGet("/registry/models/{name}/versions/{version:int}", (string name, int version) => Artifacts.ContainsKey((name, version))
            ? Results.Json(new { version, artifactUri = ArtifactUri(name, version), artifactSha256 = Sha(name, version), promotedAt = (DateTimeOffset?)null })
            : Results.NotFound());
        app.MapGet("/registry/artifacts/{name}/{version:int}", (string name, int version) =>
            Artifacts.TryGetValue((name, version), out var bytes) ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound());
    }


    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(SpoolPath)) Directory.Delete(SpoolPath, recursive: true);
    }
}
