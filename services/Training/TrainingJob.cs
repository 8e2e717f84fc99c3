using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Apis;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;
using MlTrainingOptions = Platform.Ml.Models.TrainingOptions;

namespace Platform.Training;

/// <summary>What a run trains on and why.</summary>
public sealed record TrainingRequest(string ModelName, DatasetPointer Dataset, string Trigger, string TriggerKey);

/// <summary>
/// One training run end to end: download the dataset (claim check), train and select a pipeline, store the
/// artifacts, score the champion on the same holdout, and record the run with its <c>ModelTrained</c> in one commit.
/// </summary>
public sealed class TrainingJob(
    RunData data,
    TrainingDbContext db,
    ArtifactStore artifacts,
    ChampionEvaluator champions,
    RunProgress progress,
    IOptions<TrainingOptions> options,
    ILogger<TrainingJob> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Retrains a model on its newest known dataset version (drift, or an operator's request).</summary>
    public async Task<TrainingRun?> RetrainAsync(string modelName, string trigger, string triggerKey, CancellationToken cancellationToken)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == modelName, cancellationToken);
        if (dataset is null)
        {
            logger.LogWarning("Retrain of {Model} ({Trigger}) asked, but no dataset is known for it; nothing to train on", modelName, trigger);
            return null;
        }

        return await RunAsync(new TrainingRequest(modelName, dataset, trigger, triggerKey), cancellationToken);
    }

    public async Task<TrainingRun?> RunAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        if (await db.Runs.AnyAsync(r => r.TriggerKey == request.TriggerKey, cancellationToken))
        {
            logger.LogInformation("Run for {TriggerKey} exists already; redelivery ignored", request.TriggerKey);
            return null;
        }

        using var activity = PlatformTelemetry.Source.StartActivity($"train {request.ModelName}");
        activity?.SetTag("platform.model", request.ModelName);
        activity?.SetTag("platform.trigger", request.Trigger);

        var settings = options.Value;
        var run = new TrainingRun
        {
            Id = Guid.NewGuid(),
            ModelName = request.ModelName,
            DatasetName = request.Dataset.DatasetName,
            DatasetVersion = request.Dataset.DatasetVersion,
            DatasetSha256 = request.Dataset.Sha256,
            Trigger = request.Trigger,
            TriggerKey = request.TriggerKey,
            Status = RunStatus.Running,
            Stage = "downloading",
            Task = request.Dataset.Task,
            Target = request.Dataset.Target,
            Seed = settings.Seed,
            TraceId = Activity.Current?.TraceId.ToString(),
            StartedAt = DateTimeOffset.UtcNow,
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        activity?.SetTag("platform.run_id", run.Id);

        try
        {
            var table = await data.LoadAsync(run, request.Dataset, cancellationToken);
            await SetStageAsync(run, "training", cancellationToken);
            if (!MlTaskNames.TryParse(request.Dataset.Task, out var task))
                throw new InvalidOperationException($"Unknown task '{request.Dataset.Task}'.");
            var trainingOptions = new MlTrainingOptions(request.Dataset.Target, task, settings.Seed, settings.TestFraction, settings.Folds,
                settings.Trainers.Count > 0 ? settings.Trainers : null, settings.TimeBudget);
            var result = await Task.Run(() => ModelTrainer.Train(table, trainingOptions, progress.For(run.Id), cancellationToken), cancellationToken);

            await SetStageAsync(run, "storing-artifacts", cancellationToken);
            await artifacts.SaveAsync(run.Id, "model.onnx", result.OnnxModel, cancellationToken);
            await artifacts.SaveAsync(run.Id, "model.zip", result.MlNetModel, cancellationToken);

            await SetStageAsync(run, "evaluating-champion", cancellationToken);
            var champion = await champions.EvaluateAsync(request.ModelName, result, cancellationToken);

            Complete(run, result, champion);
            await artifacts.SaveAsync(run.Id, "run.json", JsonSerializer.SerializeToUtf8Bytes(RunsApiShapes.ToResponse(run, null), Json), cancellationToken);
            db.AddOutboxMessage(ToEvent(run, request.Dataset, result, champion));
            await db.SaveChangesAsync(cancellationToken);
            TrainingMetrics.Finished(run);
            logger.LogInformation("Run {RunId} trained {Model} with {Trainer}: {Metric} = {Value:F4}",
                run.Id, run.ModelName, run.Trainer, result.PrimaryMetric, result.HoldoutMetrics[result.PrimaryMetric]);
            return run;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Run {RunId} for {Model} failed", run.Id, run.ModelName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            run.Status = RunStatus.Failed;
            run.Stage = "failed";
            run.Error = ex.Message;
            run.FinishedAt = DateTimeOffset.UtcNow;
            run.DurationSeconds = (run.FinishedAt.Value - run.StartedAt).TotalSeconds;
            db.AddOutboxMessage(new TrainingFailed(run.Id, run.ModelName, run.DatasetName, run.DatasetVersion, run.Trigger, ex.Message, run.FinishedAt.Value));
            await db.SaveChangesAsync(CancellationToken.None);
            TrainingMetrics.Finished(run);
            return run;
        }
        finally
        {
            progress.Forget(run.Id);
        }
    }

    private async Task SetStageAsync(TrainingRun run, string stage, CancellationToken cancellationToken)
    {
        run.Stage = stage;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Complete(TrainingRun run, TrainingResult result, ChampionEvaluator.Evaluation champion)
    {
        run.Status = RunStatus.Succeeded;
        run.Stage = "done";
        run.Trainer = result.Trainer;
        run.ParametersJson = JsonSerializer.Serialize(result.Parameters, Json);
        run.MetricsJson = JsonSerializer.Serialize(result.HoldoutMetrics, Json);
        run.CrossValidationJson = JsonSerializer.Serialize(result.CrossValidation, Json);
        run.PrimaryMetric = result.PrimaryMetric;
        run.ChampionVersion = champion.Version;
        run.ChampionMetric = champion.Metric;
        run.TrainRows = result.TrainRows;
        run.HoldoutRows = result.HoldoutRows;
        run.ArtifactSha256 = Convert.ToHexStringLower(SHA256.HashData(result.OnnxModel));
        run.ArtifactSizeBytes = result.OnnxModel.LongLength;
        run.FinishedAt = DateTimeOffset.UtcNow;
        run.DurationSeconds = (run.FinishedAt.Value - run.StartedAt).TotalSeconds;
    }

    private ModelTrained ToEvent(TrainingRun run, DatasetPointer dataset, TrainingResult result, ChampionEvaluator.Evaluation champion) => new(
        run.Id, run.ModelName, dataset.DatasetName, dataset.DatasetVersion, dataset.Sha256, new Uri(dataset.ContentUri),
        run.Trigger, dataset.Task, dataset.Target, result.Trainer,
        result.Signature.Inputs.Select(i => new ColumnInfo(i.Name, i.Kind.ToWireName(), i.Categories)).ToArray(),
        result.Signature.ClassLabels, result.PrimaryMetric, result.HigherIsBetter,
        new Dictionary<string, double>(result.HoldoutMetrics), champion.Version, champion.Metric,
        artifacts.UriOf(run.Id, "model.onnx"), run.ArtifactSha256!, run.ArtifactSizeBytes, run.FinishedAt!.Value, champion.Gate);
}
