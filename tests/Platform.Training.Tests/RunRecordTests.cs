using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Tests;
using Platform.Training.Apis;
using Platform.Training.Model;

namespace Platform.Training.Tests;

/// <summary>What a finished run keeps, typed, and what a list of runs reads.</summary>
public sealed class RunRecordTests
{
    [Fact]
    public async Task A_finished_run_keeps_its_typed_results_and_weights_and_a_list_of_runs_does_not_read_the_evaluation()
    {
        await using var host = new TrainingHost(minNewRows: 500);
        await host.StartAsync();
        await host.UploadAsync(1, TrainingHost.World(300, 3, -2, 1, header: true), 300, DatasetSources.Upload, null, DateTimeOffset.UtcNow);

        var run = await Eventually.ValueAsync(() => host.QueryAsync(db => db.Runs.AsNoTracking().Include(r => r.Evaluation)
            .FirstOrDefaultAsync(r => r.Status == RunStatus.Succeeded)), TimeSpan.FromMinutes(2), () => "the run to succeed");

        Assert.Contains("r2", run.Metrics!.Keys);
        Assert.NotEmpty(run.Parameters!);
        Assert.NotEmpty(run.CrossValidation!);
        // y = 3·x1 − 2·x2: the linear model's coefficients, largest magnitude first.
        var evaluation = run.Evaluation!;
        Assert.Equal("coefficient", evaluation.FeatureWeightKind);
        Assert.Equal(["x1", "x2"], evaluation.FeatureWeights!.Select(w => w.Feature));
        Assert.True(evaluation.FeatureWeights![0].Value > 0 && evaluation.FeatureWeights[1].Value < 0);
        Assert.NotEmpty(evaluation.HoldoutPredictions!);

        var response = RunsApiShapes.ToResponse(run, null);
        Assert.Equal(evaluation.FeatureWeights, response.FeatureWeights);
        Assert.True(response.Metrics!.Value.GetProperty("r2").GetDouble() > 0.9);

        // The list's query: the run's own columns only (the evaluation shares its row, unread).
        var listed = await host.QueryAsync(db => db.Runs.AsNoTracking().SingleAsync());
        Assert.Null(listed.Evaluation);
        var sql = await host.QueryAsync(db => Task.FromResult(db.Runs.AsNoTracking().ToQueryString()));
        Assert.DoesNotContain("HoldoutPredictions", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("FeatureWeights", sql, StringComparison.Ordinal);
    }
}
