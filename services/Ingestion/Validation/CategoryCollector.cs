namespace Platform.Ingestion.Validation;

/// <summary>
/// The distinct values of one column, kept only up to a limit: a schema lists a categorical column's categories when
/// there are few, and a high-cardinality column (ids, free text) must not grow memory with the file.
/// </summary>
internal sealed class CategoryCollector(int limit)
{
    private HashSet<string>? _values = new(StringComparer.Ordinal);

    public void Add(string trimmedValue)
    {
        if (_values is null || !_values.Add(trimmedValue) || _values.Count <= limit) return;
        _values = null; // over the limit: stop collecting and free what was kept
    }

    /// <summary>The values in ordinal order, or null when there were more than the limit.</summary>
    public IReadOnlyList<string>? Result => _values?.Order(StringComparer.Ordinal).ToArray();
}
