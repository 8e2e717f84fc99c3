using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Training.Infrastructure;
using Platform.Training.Model;

namespace Platform.Training.DataPolicy;

/// <summary>
/// The rows of one run: downloads the dataset version (claim check, hash-checked), applies the
/// <see cref="TrainingDataPolicy"/>, records the selection on the run, and keeps the gate's rows for
/// <see cref="ChampionEvaluator"/> (one per run's scope).
/// </summary>
public sealed class RunData(IHttpClientFactory http, TrainingDbContext db, IOptions<DataPolicyOptions> options)
{
    /// <summary>The newest selected rows, held out of training for the gate; null when none were held out.</summary>
    public Table? Gate { get; private set; }

    public DataSelection? Selection { get; private set; }

    /// <returns>The rows to train on.</returns>
    public async Task<Table> LoadAsync(TrainingRun run, DatasetPointer dataset, CancellationToken cancellationToken)
    {
        var bytes = await http.CreateClient(nameof(RunData)).GetVerifiedBytesAsync(new Uri(dataset.ContentUri), dataset.Sha256, cancellationToken);
        Table table;
        using (var stream = new MemoryStream(bytes, writable: false)) table = CsvTableReader.Read(stream);

        var versions = await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == dataset.DatasetName).ToListAsync(cancellationToken);
        long? sinceDrift = null;
        if (await WaitOfAsync(run, cancellationToken) is { } wait)
            sinceDrift = TrainingDataPolicy.Extends(versions, dataset.DatasetVersion, wait.BaseVersion) ? wait.BaseRows : 0;
        var hasChampion = await db.Runs.AnyAsync(r => r.ModelName == run.ModelName && r.Status == RunStatus.Succeeded && r.Id != run.Id, cancellationToken);

        var selection = TrainingDataPolicy.Select(table.RowCount, dataset.DatasetName, dataset.DatasetVersion, versions, options.Value, sinceDrift, hasChampion);
        run.Data = selection;
        Selection = selection;
        Gate = selection.GateFrom < selection.RowTo ? table.SelectRows(Rows(selection.GateFrom, selection.RowTo)) : null;
        return selection.RowFrom == 0 && selection.GateFrom == table.RowCount ? table : table.SelectRows(Rows(selection.RowFrom, selection.GateFrom));
    }

    private async Task<RetrainWait?> WaitOfAsync(TrainingRun run, CancellationToken cancellationToken)
    {
        const string prefix = TriggerNames.Drift + ":";
        if (!run.TriggerKey.StartsWith(prefix, StringComparison.Ordinal) || !Guid.TryParse(run.TriggerKey.AsSpan(prefix.Length), out var id)) return null;
        return await db.RetrainWaits.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
    }

    private static int[] Rows(int from, int to) => Enumerable.Range(from, to - from).ToArray();
}
