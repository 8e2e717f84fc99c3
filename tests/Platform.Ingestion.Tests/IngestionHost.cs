using Platform.ServiceDefaults;
using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Ingestion;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.IntegrationEvents;
using SharedInfrastructure = Platform.IntegrationTests.Infrastructure;

using Platform.Tests;

namespace Platform.Ingestion.Tests;

/// <summary>
/// The Ingestion service alone, composed from its module as Program.cs does, on a loopback port against the real
/// broker and its own PostgreSQL database. Bus submissions are consumed from a queue of this run's own
/// (<see cref="SubmitQueue"/>), so that another suite's Ingestion on the same broker never takes them.
/// </summary>
public sealed class IngestionHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsStorage;

    private IngestionHost(WebApplication app, Uri url, string database, string storagePath, string? submitQueue, bool ownsStorage)
    {
        _app = app;
        _ownsStorage = ownsStorage;
        Url = url;
        Database = database;
        StoragePath = storagePath;
        SubmitQueue = submitQueue;
    }

    public Uri Url { get; }
    public string Database { get; }
    public string StoragePath { get; }
    public string? SubmitQueue { get; }
    public IServiceProvider Services => _app.Services;

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <param name="database">Reuse a database (a restart); null creates a new one.</param>
    /// <param name="rabbitUri">Overrides the broker address (a closed port simulates a broker that is down).</param>
    /// <param name="consumeSubmissions">Also consume bus submissions (from a queue of this host's own).</param>
    public static async Task<IngestionHost> StartAsync(
        SharedInfrastructure infrastructure, IDictionary<string, string?>? overrides = null, string? database = null,
        string? storagePath = null, string? rabbitUri = null, bool consumeSubmissions = false)
    {
        var runId = DateTime.UtcNow.ToString("MMddHHmmss") + Random.Shared.Next(1000, 9999);
        database ??= $"ingestiondb_t{runId}";
        var ownsStorage = storagePath is null;
        storagePath ??= Path.Combine(Path.GetTempPath(), "platform-ingestion-tests-" + runId);
        var url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = rabbitUri ?? infrastructure.RabbitUri,
            ["ConnectionStrings:ingestiondb"] = new NpgsqlConnectionStringBuilder(infrastructure.PostgresConnection) { Database = database }.ConnectionString,
            ["Messaging:PurgeOnStartup"] = "true",
            ["Ingestion:StoragePath"] = storagePath,
            ["Ingestion:PublicBaseUrl"] = url.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            // Hosts that configure no keys run without authentication (development switch); the fixture's host has keys.
            ["Auth:AllowAnonymous"] = "true",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "Platform.Ingestion",
            EnvironmentName = "Development",
            ContentRootPath = Directory.CreateDirectory(storagePath).FullName,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url.ToString());
        builder.AddServiceDefaults();
        builder.AddIngestion();
        var queue = consumeSubmissions ? $"submit-dataset-{runId}" : null;
        builder.AddPlatformMessaging(bus =>
        {
            if (queue is not null) bus.AddConsumer<SubmitDatasetConsumer, SubmitDatasetConsumerDefinition>().Endpoint(e => e.Name = queue);
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapIngestion();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return new IngestionHost(app, url, database, storagePath, queue, ownsStorage);
    }

    public async Task<T> WithDbAsync<T>(Func<IngestionDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IngestionDbContext>());
    }

    public Task<int> VersionCountAsync(string dataset) => WithDbAsync(db => db.DatasetVersions.CountAsync(v => v.DatasetName == dataset));

    /// <summary>Files in the content store's objects and staging folders.</summary>
    public (int Objects, int Staged) StoreFiles()
    {
        var store = Services.GetRequiredService<ContentStore>();
        static int Count(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length : 0;
        return (Count(store.ObjectsFolder), Count(store.StagingFolder));
    }

    public Task StopAsync() => _app.StopAsync(TimeSpan.FromSeconds(15));


    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await _app.DisposeAsync();
            // A folder the caller passed in is the caller's (a restart reuses it).
            if (_ownsStorage) DeleteFolder(StoragePath);
        }
    }

    public static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Under the temp path; a file still held by a stopping host is not worth failing a test for.
        }
    }
}
