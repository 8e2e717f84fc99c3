using System.Text;
using Microsoft.Extensions.Options;
using Sylvan.Data.Csv;

namespace Platform.OperatorConsole.Drafts;

/// <summary>
/// Uploaded CSVs kept on disk (the console has no database) until the user trains on them: the "new model" page
/// previews, fixes and then uploads the fixed CSV to Ingestion like any producer would.
/// </summary>
public sealed class DraftStore(IOptions<ConsoleOptions> options)
{
    private string Folder => Directory.CreateDirectory(options.Value.DraftsPath).FullName;

    public async Task<Guid> SaveAsync(Stream csv, string fileName, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await using (var file = File.Create(PathOf(id)))
            await CopyLimitedAsync(csv, file, options.Value.MaxDraftBytes, cancellationToken);
        await File.WriteAllTextAsync(PathOf(id) + ".name", Path.GetFileName(fileName), cancellationToken);
        return id;
    }

    private static async Task CopyLimitedAsync(Stream from, Stream to, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit) throw new InvalidDataException($"The file is larger than {limit:N0} bytes.");
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>The draft, or null when there is none with this id. A file that is not CSV throws <see cref="InvalidDataException"/>.</summary>
    public async Task<Draft?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) return null;
        var name = File.Exists(path + ".name") ? await File.ReadAllTextAsync(path + ".name", cancellationToken) : "data.csv";
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken);
            var columns = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
            var rows = new List<string[]>();
            while (await csv.ReadAsync(cancellationToken))
            {
                if (csv.RowFieldCount != columns.Length)
                    throw new InvalidDataException($"Row {rows.Count + 1} has {csv.RowFieldCount} fields; the header has {columns.Length}.");
                rows.Add(Enumerable.Range(0, columns.Length).Select(csv.GetString).ToArray());
            }

            return new Draft(id, name, columns, rows);
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>The draft with the fixes applied, as CSV (RFC 4180 quoting), ready to upload.</summary>
    public static byte[] Apply(Draft draft, DraftFixes fixes)
    {
        var kept = draft.Columns.Select((name, i) => (name, i)).Where(c => !fixes.Dropped.Contains(c.name)).ToArray();
        var output = new StringBuilder();
        output.AppendJoin(',', kept.Select(c => Quote(c.name))).Append('\n');
        foreach (var row in draft.Rows)
        {
            if (fixes.Missing == MissingValues.DropRows && kept.Any(c => Platform.Ml.Data.CsvTableReader.IsMissing(row[c.i]))) continue;
            output.AppendJoin(',', kept.Select(c => Quote(row[c.i]))).Append('\n');
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private string PathOf(Guid id) => Path.Combine(Folder, id.ToString("N") + ".csv");
}
