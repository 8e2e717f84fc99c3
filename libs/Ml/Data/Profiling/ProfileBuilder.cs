namespace Platform.Ml.Data.Profiling;

/// <summary>
/// Profiles a dataset in one pass, row by row, with memory that depends on the number of columns but not on the
/// number of rows: per column a KLL sketch (quantiles, histogram), a distinct counter (exact up to 4,096 values, then
/// HyperLogLog), a Misra–Gries summary (top categories) and running moments (Welford). See <see cref="ColumnProfile"/>
/// for what each figure means and how exact it is.
/// </summary>
public sealed class ProfileBuilder
{
    public const int TopCategoryCount = 20;
    public const int HistogramBins = 20;

    private readonly string[] _names;
    private readonly ColumnAccumulator[] _columns;

    /// <summary>Starts a profile of rows with these columns; kinds are inferred as <see cref="CsvTableReader"/> does.</summary>
    /// <param name="deferCategories">
    /// For a caller that parses the fields itself (<see cref="AddNumberValue"/>, <see cref="AddTextValue"/>): a column
    /// whose values are all numbers so far is not counted as categories, which makes a numeric column several times
    /// cheaper. A column that turns out not numeric after some numbers lists in <see cref="ColumnsWithLostCategories"/>:
    /// its rows must then be profiled again with the column forced categorical (its inferred kind).
    /// </param>
    public ProfileBuilder(IReadOnlyList<string> columnNames, CsvReadOptions? options = null, bool deferCategories = false)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        options ??= CsvReadOptions.Default;
        CsvTableReader.CheckForcedColumnsExist(columnNames, options);
        _names = columnNames.ToArray();
        _columns = _names
            .Select(name => new ColumnAccumulator(options.IsForcedCategorical(name) ? ColumnKind.Categorical : null, deferCategories))
            .ToArray();
    }

    private ProfileBuilder(Table table)
    {
        _names = table.Columns.Select(c => c.Name).ToArray();
        _columns = table.Columns.Select(c => new ColumnAccumulator(c.Kind)).ToArray();
    }

    public long RowCount { get; private set; }

    /// <summary>
    /// The number of values, hashes, counters and registers the builder holds: its structural size, which stays below
    /// <see cref="MaxRetainedItemsPerColumn"/> per column however many rows are added.
    /// </summary>
    public int RetainedItemCount => _columns.Sum(c => c.RetainedItems);

    /// <summary>The KLL ceiling, plus a distinct counter (4,097 hashes at most) and the Misra–Gries counters.</summary>
    public static int MaxRetainedItemsPerColumn { get; } =
        new KllSketch().MaxRetainedItems + 2 * (DistinctCounter.ExactLimit + 1) + FrequentItems.Capacity;

    /// <summary>Adds one row of raw CSV fields, one per column, in column order.</summary>
    public void AddRow(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count != _columns.Length)
            throw new ArgumentException($"The row has {fields.Count} fields, expected {_columns.Length}.", nameof(fields));
        for (var i = 0; i < _columns.Length; i++) _columns[i].AddText(fields[i]);
        RowCount++;
    }

    /// <summary>Whether <see cref="AddNumberValue"/> needs the field's trimmed text for this column.</summary>
    public bool NeedsText(int column) => _columns[column].NeedsText;

    /// <summary>A missing field (<see cref="CsvTableReader.IsMissing"/>) of the current row.</summary>
    public void AddMissingValue(int column) => _columns[column].AddMissing();

    /// <summary>
    /// A non-missing field of the current row that parses as a number (invariant culture, <c>NumberStyles.Float</c>).
    /// <paramref name="trimmedText"/> is needed only when <see cref="NeedsText"/> says so. Fields are added column by
    /// column; <see cref="EndRow"/> closes the row.
    /// </summary>
    public void AddNumberValue(int column, double value, string? trimmedText) => _columns[column].AddParsedNumber(value, trimmedText);

    /// <summary>A non-missing field of the current row, trimmed, that does not parse as a number.</summary>
    public void AddTextValue(int column, string trimmedText) => _columns[column].AddNonNumber(trimmedText);

    public void EndRow() => RowCount++;

    /// <summary>With deferred categories: the columns whose categorical profile is incomplete (see the constructor).</summary>
    public IReadOnlyList<string> ColumnsWithLostCategories =>
        _names.Where((_, i) => _columns[i].LostCategories).ToArray();

    public DatasetProfile Build() =>
        new(RowCount, _columns.Select((c, i) => c.Build(_names[i], TopCategoryCount, HistogramBins)).ToArray());

    /// <summary>
    /// Profiles a CSV file as it streams by (one row in memory at a time), accepting and rejecting exactly what
    /// <see cref="CsvTableReader"/> does. The stream is left open: it belongs to the caller.
    /// </summary>
    /// <exception cref="CsvFormatException">The file is not a well-formed CSV file; the message names the line.</exception>
    public static DatasetProfile Profile(Stream csv, CsvReadOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var rows = CsvRowReader.Open(csv, leaveOpen: true);
        var builder = new ProfileBuilder(rows.Names, options);
        var fields = new string[rows.Names.Length];
        while (rows.Read())
        {
            // Checking every row would cost more than it saves; a thousand rows take well under a millisecond.
            if (builder.RowCount % 1024 == 0) ct.ThrowIfCancellationRequested();
            for (var i = 0; i < fields.Length; i++) fields[i] = rows.GetString(i);
            builder.AddRow(fields);
        }

        return builder.Build();
    }

    /// <summary>Profiles a table in memory, keeping its columns' kinds; the same values give the same profile as from CSV.</summary>
    public static DatasetProfile Profile(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var builder = new ProfileBuilder(table);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            var column = table.Columns[c];
            var accumulator = builder._columns[c];
            switch (column.Kind)
            {
                case ColumnKind.Numeric:
                    foreach (var value in column.Numbers!) accumulator.AddNumber(value);
                    break;
                case ColumnKind.Boolean:
                    foreach (var value in column.Numbers!) accumulator.AddBoolean(value);
                    break;
                default:
                    foreach (var value in column.Texts!) accumulator.AddCategory(value);
                    break;
            }
        }

        builder.RowCount = table.RowCount;
        return builder.Build();
    }
}
