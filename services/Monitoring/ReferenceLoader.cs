using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;

namespace Platform.Monitoring;

/// <summary>
/// On a promotion, reads the version's training data (claim check) and keeps a bounded, seeded sample as the reference,
/// the whole dataset's profile beside it, and the version's holdout metrics as the baseline of live quality.
/// </summary>
public sealed class ReferenceLoader(HttpClient http, MonitoringDbContext db, IOptions<MonitoringOptions> options, ILogger<ReferenceLoader> logger)
{
    /// <summary>A missing value in the training data is NaN in the sampled columns: written as the string "NaN", not refused.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Loads the promoted version's reference; false when the one held is of a later promotion (a late or repeated event).</summary>
    public async Task<bool> LoadAsync(ModelPromoted promoted, CancellationToken cancellationToken)
    {
        var current = await db.References.FirstOrDefaultAsync(r => r.ModelName == promoted.ModelName, cancellationToken);
        if (current is not null && current.PromotedAt >= promoted.PromotedAt) return false;

        // Spooled to a temporary file: the profile and the table each need a pass over the bytes.
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (var content = await http.GetStreamAsync(promoted.DatasetContentUri, cancellationToken))
            await content.CopyToAsync(spool, cancellationToken);
        spool.Position = 0;
        var profile = ProfileBuilder.Profile(spool, ct: cancellationToken);
        spool.Position = 0;
        var table = TrainingRows(CsvTableReader.Read(spool, leaveOpen: true), promoted);
        var rows = SampleRows(table.RowCount, options.Value.ReferenceRows, options.Value.Seed);

        var numeric = promoted.Inputs.Where(i => i.Kind != "categorical").Select(i => i.Name).ToList();
        var categorical = promoted.Inputs.Where(i => i.Kind == "categorical").Select(i => i.Name).ToList();
        var missing = numeric.Concat(categorical).Where(name => !table.Contains(name)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"The training data of {promoted.ModelName} v{promoted.Version} lacks {string.Join(", ", missing)}.");

        var sample = table.SelectRows(rows);
        var columns = new ReferenceColumns(numeric, categorical,
            numeric.ToDictionary(n => n, n => sample[n].Numbers ?? throw new InvalidDataException($"'{n}' is not numeric in the training data.")),
            categorical.ToDictionary(n => n, n => sample[n].Texts ?? sample[n].Numbers!.Select(v => (string?)v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));

        current ??= db.References.Add(new ReferenceSet { ModelName = promoted.ModelName, DatasetName = promoted.DatasetName, ColumnsJson = "" }).Entity;
        current.Version = promoted.Version;
        current.DatasetName = promoted.DatasetName;
        current.DatasetVersion = promoted.DatasetVersion;
        current.Rows = rows.Length;
        current.ColumnsJson = JsonSerializer.Serialize(columns, Json);
        current.ProfileJson = JsonSerializer.Serialize(profile, Json);
        current.HoldoutMetricsJson = JsonSerializer.Serialize(promoted.HoldoutMetrics ?? new Dictionary<string, double>());
        current.Task = promoted.Task;
        current.PromotedAt = promoted.PromotedAt;
        current.DatasetColumns = table.Columns.Select(c => c.Name).ToArray();
        current.Target = promoted.Target;

        // Rows logged for the previous version say nothing about the new one.
        await db.WindowRows.Where(r => r.ModelName == promoted.ModelName && r.Version != promoted.Version).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Reference of {Model} v{Version}: {Rows} rows of {Dataset} v{DatasetVersion}",
            promoted.ModelName, promoted.Version, rows.Length, promoted.DatasetName, promoted.DatasetVersion);
        return true;
    }

    /// <summary>
    /// The rows the version trained on, when the promotion says (a drift retrain trains on the rows since the drift: a
    /// reference of the whole dataset would mix the old world in, and the new version's first window would drift at once).
    /// </summary>
    private static Table TrainingRows(Table table, ModelPromoted promoted)
    {
        var from = Math.Clamp(promoted.TrainingRowFrom ?? 0, 0, table.RowCount);
        var to = Math.Clamp(promoted.TrainingRowTo ?? table.RowCount, from, table.RowCount);
        return (from == 0 && to == table.RowCount) || to == from ? table : table.SelectRows(Enumerable.Range(from, to - from).ToArray());
    }

    /// <summary>All rows when they fit, otherwise a seeded uniform sample (partial Fisher–Yates), in row order.</summary>
    internal static int[] SampleRows(int rowCount, int limit, int seed)
    {
        var all = Enumerable.Range(0, rowCount).ToArray();
        if (rowCount <= limit) return all;
        var random = new Random(seed);
        for (var i = 0; i < limit; i++)
        {
            var j = random.Next(i, rowCount);
            (all[i], all[j]) = (all[j], all[i]);
        }

        var sample = all[..limit];
        Array.Sort(sample);
        return sample;
    }
}
