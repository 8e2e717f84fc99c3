using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Registry.Infrastructure;
using Platform.ServiceDefaults;

namespace Platform.Registry.Reconciliation;

/// <summary>
/// Converges the Registry with Training when a <c>ModelTrained</c> was lost (the embedded default's in-memory bus
/// when the process dies, a message in <c>_error</c>): once the host has started and then every
/// <see cref="ReconcileOptions.Interval"/>, it lists Training's succeeded runs (all of them at start-up, afterwards only
/// those finished since the previous pass, less <see cref="ReconcileOptions.WatermarkOverlap"/>) and, for every one without a version
/// here, reads the event the run published (<c>runs/{id}/artifacts/model-trained.json</c>) and hands it to
/// <see cref="ModelRegistrar.RegisterAsync"/>, the one registration path: Training confirms the run, the artifact's
/// hash is checked, the gate decides. A run the gate rejected is a (rejected) version too, so it is not tried again;
/// a run whose registration fails waits out <see cref="RegistrationRetries"/>.
/// </summary>
public sealed class RunReconciler(
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    IOptions<RegistryOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<RunReconciler> logger) : BackgroundService
{
    public const string HttpClientName = "training-reconciliation";
    public const string EventFile = "model-trained.json";
    private readonly RegistrationRetries _retries = new();

    // When the last pass that read Training's list began (held back to a pending run's finish): null until the first.
    private DateTimeOffset? _watermark;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In the embedded default Training answers on this very host: ask once it listens.
        if (!await StartedAsync(stoppingToken)) return;
        await PeriodicWork.RunAsync(options.Value.Reconcile.Interval, TimeSpan.Zero, clock, PassAsync,
            ex => logger.LogWarning(ex, "Reconciliation with Training failed; trying again in {Interval}", options.Value.Reconcile.Interval),
            stoppingToken);
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var registered = await ReconcileAsync(cancellationToken);
        if (registered > 0)
            logger.LogWarning("Reconciliation with Training registered {Count} succeeded run(s) whose ModelTrained had not been handled", registered);
    }

    /// <summary>One pass; returns how many runs it registered.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var trainingUrl = options.Value.TrainingUrl;
        var passStarted = clock.GetUtcNow();
        var runs = await http.GetFromJsonAsync<List<RunResponse>>(new Uri(trainingUrl, ListPath()), JsonColumns.Json, cancellationToken) ?? [];
        var succeeded = runs.Where(r => r.Status == RunStatuses.Succeeded).ToList();

        HashSet<Guid> known = [];
        if (succeeded.Count > 0)
        {
            var ids = succeeded.Select(r => r.Id).ToList();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            known = (await db.Versions.AsNoTracking().Where(v => ids.Contains(v.RunId)).Select(v => v.RunId).ToListAsync(cancellationToken)).ToHashSet();
        }

        var registered = 0;
        DateTimeOffset? oldestPending = null;
        foreach (var run in succeeded)
        {
            if (known.Contains(run.Id))
            {
                _retries.Forget(run.Id);
                continue;
            }

            if (_retries.IsDue(run.Id, clock.GetUtcNow()))
            {
                try
                {
                    if (await RegisterAsync(http, trainingUrl, run.Id, cancellationToken)) registered++;
                    _retries.Forget(run.Id);
                    continue;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    var next = _retries.Failed(run.Id, clock.GetUtcNow(), options.Value.Reconcile);
                    logger.LogWarning(ex, "Could not register succeeded run {RunId}; trying again at {Next:u}", run.Id, next);
                }
            }

            // Still to be registered: later passes must keep listing it, however far the watermark would move.
            var finished = run.FinishedAt ?? passStarted;
            if (oldestPending is null || finished < oldestPending) oldestPending = finished;
        }

        // Only a pass that read the list moves the watermark: one that failed to list is repeated from the old one.
        _watermark = oldestPending is { } pending && pending < passStarted ? pending : passStarted;
        return registered;
    }

    /// <summary>The full list of succeeded runs at start-up, then those finished since the watermark less the overlap.</summary>
    private string ListPath()
    {
        if (_watermark is not { } watermark) return $"runs?status={RunStatuses.Succeeded}";
        var after = (watermark - options.Value.Reconcile.WatermarkOverlap).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return $"runs?status={RunStatuses.Succeeded}&finishedAfter={Uri.EscapeDataString(after)}";
    }

    private async Task<bool> RegisterAsync(HttpClient http, Uri trainingUrl, Guid runId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(trainingUrl, $"runs/{runId}/artifacts/{EventFile}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new InvalidDataException($"Training keeps no {EventFile} for run {runId} (a run from before it kept one); it cannot be registered from here.");
        response.EnsureSuccessStatusCode();
        var trained = await response.Content.ReadFromJsonAsync<ModelTrained>(JsonColumns.Json, cancellationToken)
            ?? throw new InvalidDataException($"Run {runId}'s {EventFile} is empty.");
        if (trained.RunId != runId) throw new InvalidDataException($"Run {runId}'s {EventFile} names run {trained.RunId}.");

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ModelRegistrar>().RegisterAsync(trained, cancellationToken) is not null;
    }

    /// <summary>True once the host has started; false when it stops first.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var whenStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var whenStopped = stoppingToken.Register(() => started.TrySetResult());
        await started.Task;
        return !stoppingToken.IsCancellationRequested;
    }
}
