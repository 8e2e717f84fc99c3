using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Registry.Gate;
using Platform.Registry.Infrastructure;
using Platform.Registry.Reconciliation;

namespace Platform.Registry.Tests;

/// <summary>
/// The Registry's registration path wired as the module wires it, over a SQLite file (each scope its own connection,
/// as the event and the reconciler have), with <see cref="FakeTraining"/> behind every HttpClient and a fake clock.
/// </summary>
public sealed class RegistryHarness : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "registry-reconcile-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public FakeTraining Training { get; } = new();
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public RegistryOptions Options { get; } = new();
    public RunReconciler Reconciler { get; }

    public RegistryHarness()
    {
        Directory.CreateDirectory(_folder);
        Options.ArtifactsPath = Path.Combine(_folder, "artifacts");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOptions<RegistryOptions>>(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddDbContext<RegistryDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(_folder, "registry.db")};Pooling=False"));
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<PromotionPolicy>();
        services.AddHttpClient<ModelRegistrar>().ConfigurePrimaryHttpMessageHandler(() => Training);
        services.AddHttpClient(RunReconciler.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Training);
        _services = services.BuildServiceProvider();
        using (var scope = _services.CreateScope()) scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Database.EnsureCreated();
        Reconciler = NewReconciler();
    }

    /// <summary>A reconciler as a restarted process has it: nothing remembered (no watermark, no retries).</summary>
    public RunReconciler NewReconciler() =>
        new(_services.GetRequiredService<IHttpClientFactory>(), _services.GetRequiredService<IServiceScopeFactory>(),
            _services.GetRequiredService<IOptions<RegistryOptions>>(), new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), Clock,
            NullLogger<RunReconciler>.Instance);

    /// <summary>Runs <paramref name="work"/> with a registrar and database of a scope of their own.</summary>
    public async Task<T> InScopeAsync<T>(Func<ModelRegistrar, RegistryDbContext, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ModelRegistrar>(), scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }

    public Task<List<Model.ModelVersion>> VersionsAsync() =>
        InScopeAsync((_, db) => db.Versions.AsNoTracking().OrderBy(v => v.Version).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Training.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Under the temp path; SQLite may hold the file a moment longer.
        }
    }
}
