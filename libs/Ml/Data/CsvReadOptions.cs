namespace Platform.Ml.Data;

/// <summary>How to read a CSV file into typed columns.</summary>
public sealed class CsvReadOptions
{
    public static CsvReadOptions Default { get; } = new();

    /// <summary>
    /// Columns read as categorical whatever their values look like: integer-coded categories (zip codes,
    /// class ids 0/1/2) would otherwise be inferred numeric. Every name must be a column of the file.
    /// </summary>
    public IReadOnlySet<string>? CategoricalColumns { get; init; }

    internal bool IsForcedCategorical(string column) => CategoricalColumns?.Contains(column) == true;
}
