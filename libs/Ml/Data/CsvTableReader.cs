using System.Globalization;

namespace Platform.Ml.Data;

/// <summary>A CSV file that cannot be read; the message names the line (1-based, as an editor shows it) and the column.</summary>
public sealed class CsvFormatException(string message) : Exception(message);

/// <summary>
/// Reads an RFC 4180 CSV file with a header row into a <see cref="Table"/>: quoted fields may hold commas, quotes
/// ("") and line breaks; lines may end in \n or \r\n; a UTF-8 BOM is skipped; bytes that are not UTF-8 are an error.
/// Each column's kind is inferred from its non-missing values (see <see cref="ToColumn(string, IReadOnlyList{string}, bool)"/>).
/// </summary>
public static class CsvTableReader
{
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase) { "", "NA", "N/A", "NaN", "null" };

    /// <summary>Empty, NA, N/A, NaN and null (any case, surrounding spaces ignored) mean "no value".</summary>
    public static bool IsMissing(string value) => MissingTokens.Contains(value.Trim());

    public static Table Read(string path) => Read(path, null);

    public static Table Read(string path, CsvReadOptions? options) =>
        Read(File.OpenRead(path), leaveOpen: false, options);

    public static Table Read(Stream stream, bool leaveOpen = false) => Read(stream, leaveOpen, null);

    public static Table Read(Stream stream, bool leaveOpen, CsvReadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var rows = CsvRowReader.Open(stream, leaveOpen);
        return Read(rows, options ?? CsvReadOptions.Default);
    }

    /// <summary>Reads already-decoded text; a leading BOM character is ignored.</summary>
    public static Table Read(TextReader text) => Read(text, null);

    public static Table Read(TextReader text, CsvReadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var rows = CsvRowReader.Open(text);
        return Read(rows, options ?? CsvReadOptions.Default);
    }

    private static Table Read(CsvRowReader rows, CsvReadOptions options)
    {
        var names = rows.Names;
        CheckForcedColumnsExist(names, options);
        var raw = names.Select(_ => new List<string>()).ToArray();
        while (rows.Read())
        {
            for (var i = 0; i < names.Length; i++) raw[i].Add(rows.GetString(i));
        }

        return new Table(names.Select((name, i) => ToColumn(name, raw[i], options.IsForcedCategorical(name))).ToArray());
    }

    internal static void CheckForcedColumnsExist(IReadOnlyList<string> names, CsvReadOptions options)
    {
        foreach (var forced in options.CategoricalColumns ?? new HashSet<string>())
        {
            if (!names.Contains(forced))
                throw new CsvFormatException($"Line 1 (header): there is no column '{forced}', which the options ask to read as categorical.");
        }
    }

    /// <summary>Infers the column's kind from its values; see the overload with <c>forceCategorical</c>.</summary>
    public static TableColumn ToColumn(string name, IReadOnlyList<string> values) => ToColumn(name, values, forceCategorical: false);

    /// <summary>
    /// Numeric when every non-missing value parses as a number (invariant culture); Boolean when every non-missing
    /// value is true or false in any case (0/1 stays numeric: it is as often a count or a code); categorical
    /// otherwise, or always when <paramref name="forceCategorical"/>. A column with no values at all is numeric.
    /// </summary>
    public static TableColumn ToColumn(string name, IReadOnlyList<string> values, bool forceCategorical)
    {
        ArgumentNullException.ThrowIfNull(values);
        var kind = forceCategorical ? ColumnKind.Categorical : InferKind(values);
        switch (kind)
        {
            case ColumnKind.Numeric:
                var numbers = new double[values.Count];
                for (var i = 0; i < values.Count; i++)
                    numbers[i] = TryParseNumber(values[i], out var number) ? number : double.NaN;
                return TableColumn.Numeric(name, numbers);
            case ColumnKind.Boolean:
                var flags = new double[values.Count];
                for (var i = 0; i < values.Count; i++)
                    flags[i] = TryParseBoolean(values[i], out var flag) ? (flag ? 1 : 0) : double.NaN;
                return TableColumn.Boolean(name, flags);
            default:
                return TableColumn.Categorical(name, values.Select(v => IsMissing(v) ? null : v.Trim()).ToArray());
        }
    }

    internal static ColumnKind InferKind(IEnumerable<string> values)
    {
        var kind = new KindInference();
        foreach (var value in values) kind.Add(value);
        return kind.Kind;
    }

    internal static bool TryParseNumber(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    internal static bool TryParseBoolean(string value, out bool flag)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase)) { flag = true; return true; }
        if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase)) { flag = false; return true; }
        flag = false;
        return false;
    }
}

/// <summary>Narrows a column's kind value by value, so that a streaming reader can infer it in one pass.</summary>
internal struct KindInference
{
    private bool _notNumeric;
    private bool _notBoolean;

    public void Add(string value)
    {
        if (CsvTableReader.IsMissing(value)) return;
        if (!_notNumeric && !CsvTableReader.TryParseNumber(value, out _)) _notNumeric = true;
        if (!_notBoolean && !CsvTableReader.TryParseBoolean(value, out _)) _notBoolean = true;
    }

    /// <summary>A non-missing value already parsed as a number (a number is never a boolean).</summary>
    public void AddNumber() => _notBoolean = true;

    /// <summary>A non-missing, trimmed value that is known not to parse as a number.</summary>
    public void AddNonNumber(string trimmed)
    {
        _notNumeric = true;
        if (!_notBoolean && !CsvTableReader.TryParseBoolean(trimmed, out _)) _notBoolean = true;
    }

    /// <summary>Numeric wins over boolean only in the degenerate all-missing case (both still possible).</summary>
    public readonly ColumnKind Kind =>
        !_notNumeric ? ColumnKind.Numeric : !_notBoolean ? ColumnKind.Boolean : ColumnKind.Categorical;
}
