using System.Globalization;
using Sylvan.Data.Csv;

namespace Platform.Ml.Data;

public sealed class CsvFormatException(string message) : Exception(message);

/// <summary>Reads a CSV file with a header row into a <see cref="Table"/>, inferring each column's kind.</summary>
public static class CsvTableReader
{
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase) { "", "NA", "N/A", "NaN", "null" };

    public static bool IsMissing(string value) => MissingTokens.Contains(value.Trim());

    public static Table Read(string path) => Read(File.OpenRead(path), leaveOpen: false);

    public static Table Read(Stream stream, bool leaveOpen = false)
    {
        using var text = new StreamReader(stream, detectEncodingFromByteOrderMarks: true, leaveOpen: leaveOpen);
        return Read(text);
    }

    public static Table Read(TextReader text)
    {
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true });
        var names = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        if (names.Length == 0) throw new CsvFormatException("The file has no header row.");
        var raw = names.Select(_ => new List<string>()).ToArray();
        var line = 1;
        while (csv.Read())
        {
            line++;
            if (csv.RowFieldCount != names.Length)
                throw new CsvFormatException($"Row {line} has {csv.RowFieldCount} fields, the header has {names.Length}.");
            for (var i = 0; i < names.Length; i++) raw[i].Add(csv.GetString(i));
        }

        return new Table(names.Select((name, i) => ToColumn(name, raw[i])).ToArray());
    }

    /// <summary>Numeric when every non-missing value parses as a number; categorical otherwise.</summary>
    public static TableColumn ToColumn(string name, IReadOnlyList<string> values)
    {
        var numbers = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (IsMissing(value)) { numbers[i] = double.NaN; continue; }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
                return TableColumn.Categorical(name, values.Select(v => IsMissing(v) ? null : v.Trim()).ToArray());
        }

        return TableColumn.Numeric(name, numbers);
    }
}
