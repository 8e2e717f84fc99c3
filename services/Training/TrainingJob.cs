using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;
using Platform.ServiceDefaults.Faults;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Apis;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.Model;
using Platform.Training.Runs;
using MlTrainingOptions = Platform.Ml.Models.TrainingOptions;

namespace Platform.Training;

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
    /// <summary>Executes a run the runner claimed (<see cref="Runs.RunRunner"/>): it is `running` and owned by this process.</summary>
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.Runs.FirstAsync(r => r.Id == runId, cancellationToken);
        var request = run.Dataset();

        // The run was queued by a consumer or the reconciler: its span continues the trace of what asked for it.
        ActivityContext.TryParse(run.TraceParent, null, out var parent);
        using var activity = PlatformTelemetry.Source.StartActivity($"train {run.ModelName}", ActivityKind.Internal, parent);
        activity?.SetTag("platform.model", run.ModelName);
        activity?.SetTag("platform.trigger", run.Trigger);
        activity?.SetTag("platform.run_id", run.Id);
        activity?.SetTag("platform.attempt", run.Attempts);

        var settings = options.Value;
        await SetStageAsync(run, "downloading", cancellationToken);

        try
        {
            var table = await data.LoadAsync(run, request, cancellationToken);
            await SetStageAsync(run, "training", cancellationToken);
            if (!MlTaskNames.TryParse(request.Task, out var task))
                throw new InvalidOperationException($"Unknown task '{request.Task}'.");
            var budget = RetrainScheduler.IsFirstDriftRetrain(run.TriggerKey) && settings.DriftTimeBudget < settings.TimeBudget ? settings.DriftTimeBudget : settings.TimeBudget;
            var trainingOptions = new MlTrainingOptions(request.Target, task, settings.Seed, settings.TestFraction, settings.Folds,
                settings.Trainers.Count > 0 ? settings.Trainers : null, budget, Repeats: settings.Repeats);
            var result = await Task.Run(() => ModelTrainer.Train(table, trainingOptions, progress.For(run.Id), cancellationToken), cancellationToken);

            await SetStageAsync(run, "storing-artifacts", cancellationToken);
            await artifacts.SaveAsync(run.Id, "model.onnx", result.OnnxModel, cancellationToken);
            await artifacts.SaveAsync(run.Id, "model.zip", result.MlNetModel, cancellationToken);

            await SetStageAsync(run, "evaluating-champion", cancellationToken);
            var champion = await champions.EvaluateAsync(run.ModelName, result, cancellationToken);

            Complete(run, result, champion);
            await artifacts.SaveAsync(run.Id, "run.json", JsonSerializer.SerializeToUtf8Bytes(RunsApiShapes.ToResponse(run, null), JsonColumns.Json), cancellationToken);
            // The event is also kept with the run: the Registry's reconciliation registers a run from it when the
            // event itself was lost (the embedded default's in-memory bus dying with the process, a message in _error).
            var trained = ToEvent(run, request, result, champion);
            await artifacts.SaveAsync(run.Id, ArtifactStore.ModelTrainedFile, JsonSerializer.SerializeToUtf8Bytes(trained, JsonColumns.Json), cancellationToken);
            db.AddOutboxMessage(trained);
            await db.SaveChangesAsync(cancellationToken);
            TrainingMetrics.Finished(run);
            logger.LogInformation("Run {RunId} trained {Model} with {Trainer}: {Metric} = {Value:F4}",
                run.Id, run.ModelName, run.Trainer, result.PrimaryMetric, result.HoldoutMetrics[result.PrimaryMetric]);
        }
        // An outage (database, Ingestion, Registry) is not the run's failure: the runner pauses and restarts it.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !TransientFaults.IsTransient(ex))
        {
            logger.LogError(ex, "Run {RunId} for {Model} failed", run.Id, run.ModelName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            RunFailures.Fail(db, run, ex.Message);
            await db.SaveChangesAsync(CancellationToken.None);
            // Counted when it is over: a run queued again for another attempt finishes later.
            if (run.Status == RunStatus.Failed) TrainingMetrics.Finished(run);
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
        run.Owner = null;
        run.Trainer = result.Trainer;
        run.Parameters = new Dictionary<string, string>(result.Parameters);
        run.Metrics = new Dictionary<string, double>(result.HoldoutMetrics);
        run.CrossValidation = result.CrossValidation;
        run.Evaluation = new RunEvaluation
        {
            RunId = run.Id,
            ConfusionMatrix = result.ConfusionMatrix,
            HoldoutPredictions = result.HoldoutPredictions.Count > 0 ? result.HoldoutPredictions : null,
            FeatureWeightKind = result.FeatureWeights.Count > 0 ? result.FeatureWeightKind : null,
            FeatureWeights = result.FeatureWeights.Count > 0 ? result.FeatureWeights : null,
        };
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
        artifacts.UriOf(run.Id, "model.onnx"), run.ArtifactSha256!, run.ArtifactSizeBytes, run.FinishedAt!.Value, champion.Gate,
        run.Data?.RowFrom, run.Data?.GateFrom);
}
