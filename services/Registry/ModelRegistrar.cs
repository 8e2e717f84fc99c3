using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Registry.Gate;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Registry;

/// <summary>Registers trained models as versions, applies the gate, and moves the production alias (by the gate or by hand).</summary>
public sealed class ModelRegistrar(
    RegistryDbContext db,
    ArtifactStore artifacts,
    HttpClient http,
    PromotionPolicy policy,
    Microsoft.Extensions.Options.IOptions<RegistryOptions> options,
    ILogger<ModelRegistrar> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One registration at a time in this process: the consumer and the reconciler both number versions and write
    // their artifacts under that number (the unique indexes guard across replicas).
    private static readonly SemaphoreSlim Registrations = new(1, 1);

    /// <summary>Registers a run as the next version (or nothing when it is registered already); the one way in, for the event and the reconciler alike.</summary>
    public async Task<ModelVersion?> RegisterAsync(ModelTrained trained, CancellationToken cancellationToken)
    {
        await Registrations.WaitAsync(cancellationToken);
        try
        {
            return await RegisterOnceAsync(trained, cancellationToken);
        }
        finally
        {
            Registrations.Release();
        }
    }

    private async Task<ModelVersion?> RegisterOnceAsync(ModelTrained trained, CancellationToken cancellationToken)
    {
        if (await db.Versions.AnyAsync(v => v.RunId == trained.RunId, cancellationToken))
        {
            logger.LogInformation("Run {RunId} is registered already; redelivery ignored", trained.RunId);
            return null;
        }

        using var activity = PlatformTelemetry.Source.StartActivity($"register {trained.ModelName}");
        await ConfirmWithTrainingAsync(trained, cancellationToken);
        var bytes = await http.GetVerifiedBytesAsync(trained.ArtifactUri, trained.ArtifactSha256, cancellationToken);

        var versions = await db.Versions.Where(v => v.ModelName == trained.ModelName).ToListAsync(cancellationToken);
        var champion = versions.FirstOrDefault(v => v.Stage == VersionStage.Production);
        var metric = trained.HoldoutMetrics.TryGetValue(trained.PrimaryMetric, out var m) ? m : double.NaN;
        var decision = policy.Decide(new GateInput(
            trained.PrimaryMetric, trained.HigherIsBetter, metric, champion?.Version,
            champion is not null && trained.ChampionVersion == champion.Version ? trained.ChampionHoldoutMetric : null,
            champion?.HoldoutMetric, trained.Gate));

        var version = new ModelVersion
        {
            Id = Guid.NewGuid(),
            ModelName = trained.ModelName,
            Version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1,
            RunId = trained.RunId,
            Stage = VersionStage.Rejected,
            Task = trained.Task,
            Target = trained.Target,
            Trainer = trained.Trainer,
            Trigger = trained.Trigger,
            InputsJson = JsonSerializer.Serialize(trained.Inputs, Json),
            ClassLabelsJson = trained.ClassLabels is null ? null : JsonSerializer.Serialize(trained.ClassLabels, Json),
            PrimaryMetric = trained.PrimaryMetric,
            HigherIsBetter = trained.HigherIsBetter,
            HoldoutMetric = metric,
            MetricsJson = JsonSerializer.Serialize(trained.HoldoutMetrics, Json),
            ArtifactSha256 = trained.ArtifactSha256,
            ArtifactSizeBytes = bytes.LongLength,
            DatasetName = trained.DatasetName,
            DatasetVersion = trained.DatasetVersion,
            DatasetSha256 = trained.DatasetSha256,
            DatasetContentUri = trained.DatasetContentUri.ToString(),
            TrainingRowFrom = trained.TrainingRowFrom,
            TrainingRowTo = trained.TrainingRowTo,
            Decision = decision.Reason,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await artifacts.SaveAsync(version.ModelName, version.Version, bytes, cancellationToken);
        db.Versions.Add(version);

        if (decision.Promote)
        {
            MoveProduction(version, champion, "gate", decision.Reason);
        }
        else
        {
            db.AddOutboxMessage(new ModelRejected(version.ModelName, version.Version, version.RunId, champion?.Version,
                version.PrimaryMetric, metric, trained.ChampionHoldoutMetric ?? champion?.HoldoutMetric, decision.Reason, DateTimeOffset.UtcNow));
            db.Audit.Add(new AuditEntry { ModelName = version.ModelName, Action = "rejected", FromVersion = champion?.Version, ToVersion = version.Version, Reason = decision.Reason, At = DateTimeOffset.UtcNow });
        }

        await db.SaveChangesAsync(cancellationToken);
        activity?.SetTag("platform.model", version.ModelName);
        activity?.SetTag("platform.version", version.Version);
        activity?.SetTag("platform.promoted", decision.Promote);
        logger.LogInformation("{Model} v{Version} registered: {Decision}", version.ModelName, version.Version, decision.Reason);
        return version;
    }

    /// <summary>
    /// The event alone is not trusted: Training, which owns runs, must report this run as succeeded for this model with
    /// this artifact hash. A forged <see cref="ModelTrained"/> (any publisher on the bus) then registers nothing.
    /// </summary>
    private async Task ConfirmWithTrainingAsync(ModelTrained trained, CancellationToken cancellationToken)
    {
        var run = await http.GetFromJsonAsync<RunResponse>(new Uri(options.Value.TrainingUrl, $"runs/{trained.RunId}"), JsonColumns.Json, cancellationToken)
            ?? throw new InvalidDataException($"Training reports no run {trained.RunId}.");
        if (run.Status != RunStatuses.Succeeded || run.Model != trained.ModelName || !string.Equals(run.ArtifactSha256, trained.ArtifactSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"ModelTrained for run {trained.RunId} does not match the run Training reports ({run.Model}, {run.Status}, artifact {run.ArtifactSha256}); not registered.");
    }

    /// <summary>An operator points production at a version of their choice (promote by hand, or roll back).</summary>
    /// <param name="keyId">The id of the operator's API key, recorded in the audit.</param>
    public async Task<ModelVersion?> SetProductionAsync(string modelName, int targetVersion, string action, string reason, string? keyId, CancellationToken cancellationToken)
    {
        var versions = await db.Versions.Where(v => v.ModelName == modelName).ToListAsync(cancellationToken);
        var target = versions.FirstOrDefault(v => v.Version == targetVersion);
        if (target is null) return null;
        var champion = versions.FirstOrDefault(v => v.Stage == VersionStage.Production);
        if (champion?.Version == targetVersion) return target;

        MoveProduction(target, champion, action, reason, keyId);
        await db.SaveChangesAsync(cancellationToken);
        return target;
    }

    /// <summary>The version served before the current one: the newest archived version that was once in production.</summary>
    public async Task<int?> RollbackTargetAsync(string modelName, CancellationToken cancellationToken)
    {
        return await db.Versions.AsNoTracking()
            .Where(v => v.ModelName == modelName && v.Stage == VersionStage.Archived && v.PromotedAt != null)
            .OrderByDescending(v => v.PromotedAt).ThenByDescending(v => v.Version)
            .Select(v => (int?)v.Version).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Points production at <paramref name="target"/> and announces it. The event carries the rows the version trained
    /// on (stored with it), by the gate or by hand alike, so Monitoring's reference of a drift retrain is its own rows.
    /// </summary>
    private void MoveProduction(ModelVersion target, ModelVersion? champion, string action, string reason, string? keyId = null)
    {
        var now = DateTimeOffset.UtcNow;
        if (champion is not null) champion.Stage = VersionStage.Archived;
        target.Stage = VersionStage.Production;
        target.PromotedAt = now;
        db.Audit.Add(new AuditEntry { ModelName = target.ModelName, Action = action, FromVersion = champion?.Version, ToVersion = target.Version, Reason = reason, At = now, KeyId = keyId });
        db.AddOutboxMessage(new ModelPromoted(
            target.ModelName, target.Version, champion?.Version, target.RunId, target.Task,
            JsonSerializer.Deserialize<List<ColumnInfo>>(target.InputsJson, Json)!,
            artifacts.UriOf(target.ModelName, target.Version), target.ArtifactSha256,
            target.DatasetName, target.DatasetVersion, new Uri(target.DatasetContentUri),
            target.PrimaryMetric, target.HoldoutMetric, reason, now,
            JsonSerializer.Deserialize<Dictionary<string, double>>(target.MetricsJson, Json), target.Target, target.TrainingRowFrom, target.TrainingRowTo));
        Activity.Current?.AddEvent(new ActivityEvent("production moved"));
    }
}
