using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Model;
using Platform.Ingestion.Validation;
using Platform.Ml.Data;

namespace Platform.Ingestion;

/// <summary>
/// A uniform sample of a stored version's rows (reservoir sampling, fixed seed: the same version always gives the same
/// sample) as a table, so that comparing two versions of any size takes bounded memory.
/// </summary>
public sealed class VersionSampler(ContentStore store)
{
    private const int Seed = 20_261_123;

    public async Task<(Table Table, long Rows)> SampleAsync(DatasetVersion version, IReadOnlyList<ColumnInfo> columns, int maxRows, CancellationToken cancellationToken)
    {
        var random = new Random(Seed);
        var sample = new List<string[]>();
        await using var stream = store.OpenRead(version.Sha256);
        using var scanner = new CsvRecordScanner(stream, int.MaxValue / 2);
        if (!await scanner.NextAsync(cancellationToken)) throw new InvalidDataException($"Version {version.Version} of '{version.DatasetName}' has no header.");
        var names = Enumerable.Range(0, scanner.FieldCount).Select(i => scanner.Field(i).Trim()).ToArray();

        long seen = 0;
        while (await scanner.NextAsync(cancellationToken))
        {
            if (names.Length > 1 && scanner.IsBlank) continue;
            var slot = seen < maxRows ? (int)seen : random.NextInt64(seen + 1) is var j && j < maxRows ? (int)j : -1;
            seen++;
            if (slot < 0) continue;
            var row = new string[names.Length];
            for (var i = 0; i < row.Length; i++) row[i] = scanner.Field(i);
            if (slot == sample.Count) sample.Add(row);
            else sample[slot] = row;
        }

        var kinds = columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        var tableColumns = names.Select((name, i) => CsvTableReader.ToColumn(
            name, sample.Select(r => r[i]).ToArray(), kinds.GetValueOrDefault(name) == "categorical")).ToArray();
        return (new Table(tableColumns), seen);
    }
}
