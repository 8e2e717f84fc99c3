using Platform.Ml.Data;

namespace Platform.OperatorConsole.Drafts;

/// <summary>An uploaded CSV before it becomes a dataset: its header, its rows as text, and each column's inferred kind.</summary>
public sealed record Draft(Guid Id, string FileName, IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows)
{
    public IReadOnlyList<DraftColumn> Schema { get; } = Columns.Select((name, i) =>
    {
        var values = Rows.Select(r => r[i]).ToList();
        var missing = values.Count(CsvTableReader.IsMissing);
        var kind = CsvTableReader.ToColumn(name, values).Kind;
        var distinct = values.Where(v => !CsvTableReader.IsMissing(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Count();
        return new DraftColumn(name, kind, missing, distinct);
    }).ToList();
}

public sealed record DraftColumn(string Name, ColumnKind Kind, int Missing, int Distinct);

/// <summary>What to do with rows that miss a value in a kept column.</summary>
public enum MissingValues
{
    /// <summary>Leave them: the training pipeline imputes (mean for numbers, most frequent for categories).</summary>
    Impute,
    /// <summary>Drop every row with a missing value.</summary>
    DropRows,
}

/// <summary>The user's fixes: which columns to drop and how to treat missing values.</summary>
public sealed record DraftFixes(IReadOnlySet<string> Dropped, MissingValues Missing);
