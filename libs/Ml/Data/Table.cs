namespace Platform.Ml.Data;

/// <summary>
/// A column of typed values. Numeric and boolean columns hold doubles (boolean as 0/1) with NaN for missing;
/// categorical columns hold strings with null for missing.
/// </summary>
public sealed class TableColumn
{
    private TableColumn(string name, ColumnKind kind, double[]? numbers, string?[]? texts)
    {
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Texts = texts;
    }

    public string Name { get; }
    public ColumnKind Kind { get; }
    public double[]? Numbers { get; }
    public string?[]? Texts { get; }
    public int Length => Numbers?.Length ?? Texts!.Length;

    public static TableColumn Numeric(string name, double[] values) => new(name, ColumnKind.Numeric, values, null);
    public static TableColumn Boolean(string name, double[] values) => new(name, ColumnKind.Boolean, values, null);
    public static TableColumn Categorical(string name, string?[] values) => new(name, ColumnKind.Categorical, null, values);

    public TableColumn Select(IReadOnlyList<int> rows)
    {
        if (Numbers is not null)
        {
            var selected = new double[rows.Count];
            for (var i = 0; i < rows.Count; i++) selected[i] = Numbers[rows[i]];
            return new TableColumn(Name, Kind, selected, null);
        }

        var texts = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++) texts[i] = Texts![rows[i]];
        return new TableColumn(Name, Kind, null, texts);
    }
}

/// <summary>An in-memory, column-oriented table: what training, evaluation and drift tests work on.</summary>
public sealed class Table
{
    private readonly Dictionary<string, TableColumn> _byName;

    public Table(IReadOnlyList<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        _byName = new Dictionary<string, TableColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column.Length != RowCount)
                throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, expected {RowCount}.", nameof(columns));
            if (!_byName.TryAdd(column.Name, column))
                throw new ArgumentException($"Column '{column.Name}' appears twice.", nameof(columns));
        }
    }

    public IReadOnlyList<TableColumn> Columns { get; }
    public int RowCount { get; }

    public TableColumn this[string name] =>
        _byName.TryGetValue(name, out var column) ? column : throw new KeyNotFoundException($"No column named '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The columns' names and kinds, with each categorical column's categories (computed on each call).</summary>
    public TableSchema Schema => TableSchema.Of(this);

    public Table SelectRows(IReadOnlyList<int> rows) => new(Columns.Select(c => c.Select(rows)).ToArray());

    public Table WithoutColumn(string name) => new(Columns.Where(c => c.Name != name).ToArray());
}
