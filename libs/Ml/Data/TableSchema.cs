namespace Platform.Ml.Data;

/// <summary>One column's name and kind; for a categorical column, its distinct values in ordinal order.</summary>
/// <remarks>Equality compares the categories element by element, so a schema read back from JSON equals the original.</remarks>
public sealed record ColumnSchema(string Name, ColumnKind Kind, IReadOnlyList<string>? Categories)
{
    public bool Equals(ColumnSchema? other) =>
        other is not null && Name == other.Name && Kind == other.Kind &&
        (ReferenceEquals(Categories, other.Categories) ||
         (Categories is not null && other.Categories is not null && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal)));

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Categories?.Count);
}

/// <summary>The columns of a table, in order: what a dataset version records and what a model's inputs are checked against.</summary>
public sealed record TableSchema(IReadOnlyList<ColumnSchema> Columns)
{
    public ColumnSchema this[string name] =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"No column named '{name}'.");

    public bool Equals(TableSchema? other) => other is not null && Columns.SequenceEqual(other.Columns);

    public override int GetHashCode() => Columns.Count;

    public static TableSchema Of(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new TableSchema(table.Columns.Select(ColumnSchemaOf).ToArray());
    }

    private static ColumnSchema ColumnSchemaOf(TableColumn column) => column.Kind == ColumnKind.Categorical
        ? new ColumnSchema(column.Name, column.Kind,
            column.Texts!.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray())
        : new ColumnSchema(column.Name, column.Kind, null);
}
