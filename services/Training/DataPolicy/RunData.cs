using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.DataPolicy;

/// <summary>
/// The rows of one run: downloads the dataset version (claim check, hash-checked), applies the
/// <see cref="TrainingDataPolicy"/>, records the selection on the run, and keeps the gate's rows for
/// <see cref="ChampionEvaluator"/> (one per run's scope).
/// </summary>
public sealed class RunData(IHttpClientFactory http, TrainingDbContext db, ChampionArtifact champions, IOptions<DataPolicyOptions> options,
    ILogger<RunData> logger)
{
    /// <summary>The newest selected rows, held out of training for the gate; null when none were held out.</summary>
    public Table? Gate { get; private set; }

    public DataSelection? Selection { get; private set; }

    /// <returns>The rows to train on.</returns>
    public async Task<Table> LoadAsync(TrainingRun run, DatasetPointer dataset, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(nameof(RunData));
        var contentUri = new Uri(dataset.ContentUri);
        var bytes = await client.GetVerifiedBytesAsync(contentUri, dataset.Sha256, cancellationToken);
        var read = ReadOptions(dataset);
        Table table;
        using (var stream = new MemoryStream(bytes, writable: false)) table = CsvTableReader.Read(stream, leaveOpen: false, read);

        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == dataset.DatasetName).ToListAsync(cancellationToken);
        long? sinceDrift = null;
        var wait = await WaitOfAsync(run, cancellationToken);
        if (wait is not null)
            sinceDrift = TrainingDataPolicy.Extends(versions, dataset.DatasetVersion, wait.BaseVersion) ? wait.BaseRows : 0;
        var hasChampion = await db.Runs.AnyAsync(r => r.ModelName == run.ModelName && r.Status == RunStatus.Succeeded && r.Id != run.Id, cancellationToken);

        // Only a drift's first retrain looks for the change: its champion is the version that drifted. A follow-up's
        // champion learnt the changed world on the first rows, so its losses rise on the newer rows it never saw.
        string? trimmed = null;
        if (wait is not null && run.TriggerKey == RetrainScheduler.TriggerKey(wait) && sinceDrift is { } since && hasChampion
            && await ChangeAsync(run.ModelName, dataset.Target, table, (int)since, cancellationToken) is { } change)
        {
            sinceDrift = since + change.Index;
            // Follow-ups start where this run starts: the rows before the change are not new.
            if (sinceDrift <= table.RowCount && TrainingDataPolicy.Extends(versions, dataset.DatasetVersion, wait.BaseVersion)) wait.BaseRows = sinceDrift.Value;
            trimmed = FormattableString.Invariant(
                $", less the first {change.Index} on which champion v{change.Version} was still right (its mean loss rose from {change.MeanBefore:G4} to {change.MeanAfter:G4} there, Pettitt p {change.PValue:G2})");
        }

        if (wait is not null && sinceDrift is { } start && start < table.RowCount) wait.HaveRows = table.RowCount - start;

        var selection = TrainingDataPolicy.Select(table.RowCount, dataset.DatasetName, dataset.DatasetVersion, versions, options.Value, sinceDrift, hasChampion);
        if (trimmed is not null) selection = selection with { Policy = selection.Policy + trimmed };
        run.Data = selection;
        Selection = selection;
        Gate = selection.GateFrom < selection.RowTo ? table.SelectRows(Rows(selection.GateFrom, selection.RowTo)) : null;
        return selection.RowFrom == 0 && selection.GateFrom == table.RowCount ? table : table.SelectRows(Rows(selection.RowFrom, selection.GateFrom));
    }

    private sealed record Change(int Index, int Version, double PValue, double MeanBefore, double MeanAfter);

    /// <summary>
    /// Where, among the rows since the drift, the champion's loss rose: the drift window may begin before the world changed
    /// (a window mixes the last old rows and the first new ones), and rows on which the champion was still right teach the
    /// old world. Null when the rise is not beyond chance (<see cref="DataPolicyOptions.ChangePointP"/>), would leave fewer
    /// than <see cref="DataPolicyOptions.MinTrainRows"/> rows, or the champion cannot score the rows.
    /// </summary>
    private async Task<Change?> ChangeAsync(string modelName, string target, Table table, int since, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (since < 0 || since >= table.RowCount || await champions.GetAsync(modelName, cancellationToken) is not { } champion) return null;
        var rows = table.SelectRows(Rows(since, table.RowCount));
        double[] losses;
        try
        {
            using var scorer = OnnxScorer.Load(champion.Onnx);
            // Squared errors, or log-losses for classifiers: the 0/1 error hides how sure the champion was, and with it most
            // of the difference between the rows it knew and the changed ones.
            var scores = scorer.Score(rows);
            losses = scorer.Signature.Task == MlTask.Regression || scorer.Signature.ClassLabels is not { } classes
                ? GateScorer.Losses(rows[target], scores, regression: true)
                : GateScorer.LogLosses(rows[target], scores, classes);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Champion {Model} v{Version} could not score the rows since the drift; they are used from the drift's start", modelName, champion.Version);
            return null;
        }

        var rise = ChangePoint.Rise(losses);
        if (rise is null || rise.PValue >= settings.ChangePointP || rise.MeanAfter <= rise.MeanBefore || rows.RowCount - rise.Index < settings.MinTrainRows) return null;
        return new Change(rise.Index, champion.Version, rise.PValue, rise.MeanBefore, rise.MeanAfter);
    }

    private async Task<RetrainWait?> WaitOfAsync(TrainingRun run, CancellationToken cancellationToken)
    {
        const string prefix = TriggerNames.Drift + ":";
        // "drift:{report}" for the first retrain, "drift:{report}:{rows}" for its follow-ups.
        if (!run.TriggerKey.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = run.TriggerKey.AsSpan(prefix.Length);
        if (rest.IndexOf(':') is var colon and >= 0) rest = rest[..colon];
        if (!Guid.TryParse(rest, out var id)) return null;
        // Tracked: the run records how many rows it had (and where the change it found began) on the wait, for follow-ups.
        return await db.RetrainWaits.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
    }

    /// <summary>
    /// The kinds the dataset version's schema declares (<see cref="DatasetPointer.ColumnKinds"/>, recorded from its
    /// <c>DatasetUploaded</c>): a column the uploader set categorical reaches the model as one.
    /// </summary>
    private static CsvReadOptions ReadOptions(DatasetPointer dataset)
    {
        var categorical = (dataset.ColumnKinds ?? new Dictionary<string, string>())
            .Where(c => c.Value == ColumnKind.Categorical.ToWireName()).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        return categorical.Count == 0 ? CsvReadOptions.Default : new CsvReadOptions { CategoricalColumns = categorical };
    }

    private static int[] Rows(int from, int to) => Enumerable.Range(from, to - from).ToArray();
}
